import { describe, expect, it } from "vitest";
import type { CellView } from "@/engine";
import { errorCount, messagePosition, positionedMessage, statusText } from "./status";

const cell = (over: Partial<CellView>): CellView => ({
  id: "NC.1", type: "vql", input: "", version: 1, versions: [1], status: "done", runBy: "alice", startedAt: null, finishedAt: null,
  durationMs: 50, output: [], tables: [], logs: [], logCount: 0, error: null, modifiedAt: "", ...over,
});
const log = (level: string, message: string) => ({ level, message, at: null }) as unknown as CellView["logs"][number];

describe("a cell's status line", () => {
  it("says how many errors a finished run logged, singular and plural", () => {
    expect(statusText(cell({}))).toBe("Done in 0.05s · run by alice");
    expect(statusText(cell({ logs: [log("ERROR", "2:6: Plugin no_such_plugin not found."), log("INFO", "x")] }))).toBe("Done with 1 error in 0.05s · run by alice");
    const two = cell({ logs: [log("ERROR", "a"), log("WARN", "b"), log("ERROR", "c")] });
    expect(errorCount(two)).toBe(2);
    expect(statusText(two)).toBe("Done with 2 errors in 0.05s · run by alice");
  });

  it("reads the line:col a message starts with, and nothing else", () => {
    expect(messagePosition("2:6: Plugin no_such_plugin not found.")).toEqual({ line: 2, col: 6 });
    expect(messagePosition("results truncated at 7 rows")).toBeUndefined();
    expect(messagePosition("at 2:6: nope")).toBeUndefined();
    // A notebook's log line carries its position apart (`at`), which wins.
    expect(messagePosition("Plugin no_such_plugin not found.", "2:6")).toEqual({ line: 2, col: 6 });
    expect(positionedMessage({ message: "Plugin no_such_plugin not found.", at: "2:6" })).toBe("2:6: Plugin no_such_plugin not found.");
    expect(positionedMessage({ message: "2:6: x", at: "2:6" })).toBe("2:6: x");
    expect(positionedMessage({ message: "no position" })).toBe("no position");
  });
});
