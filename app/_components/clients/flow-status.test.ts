import { describe, expect, it } from "vitest";
import { flowStatusText } from "./flow-status";

describe("flowStatusText()", () => {
  it("says how many errors a finished or failed flow's log has", () => {
    expect(flowStatusText("FINISHED", 1)).toBe("Done with 1 error");
    expect(flowStatusText("FINISHED", 3)).toBe("Done with 3 errors");
    expect(flowStatusText("ERROR", 2)).toBe("Failed with 2 errors");
    expect(flowStatusText("RUNNING", 1)).toBe("1 error");
  });
  it("says nothing when the log has no errors", () => {
    expect(flowStatusText("FINISHED", 0)).toBe("");
  });
});
