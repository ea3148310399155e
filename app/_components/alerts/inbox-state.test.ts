// The inbox's URL state: read from the page's query, written back, and turned into the API's.
import { describe, expect, it } from "vitest";
import { alertMessage } from "./types";
import { apiQuery, EMPTY, paramsOf, stateFromParams } from "./inbox-state";

describe("inbox URL state", () => {
  it("reads repeated statuses and severities (known ones only) and the text filters", () => {
    const s = stateFromParams(new URLSearchParams("status=new&status=bogus,resolved&severity=high&client=C.1&label=%20prod%20&search=mimi&offset=50"));
    expect(s).toEqual({ ...EMPTY, status: ["new", "resolved"], severity: ["high"], client: "C.1", label: "prod", search: "mimi", offset: 50 });
  });

  it("round-trips through the page URL, ranges and custom times included", () => {
    const custom = { ...EMPTY, status: ["acknowledged" as const], range: "custom" as const, since: "2024-05-01T00:00:00.000Z", until: "2024-05-02T00:00:00.000Z" };
    expect(stateFromParams(paramsOf(custom))).toEqual(custom);
    const preset = { ...EMPTY, range: "24h" as const, artifact: "Server.X" };
    expect(paramsOf(preset).toString()).toBe("artifact=Server.X&range=24h");
    expect(stateFromParams(paramsOf(preset))).toEqual(preset);
    expect(paramsOf(EMPTY).toString()).toBe("");
  });

  it("a preset range becomes `since` relative to now; paging goes to the API", () => {
    const now = new Date("2024-05-02T12:00:00Z");
    const q = new URLSearchParams(apiQuery({ ...EMPTY, severity: ["high", "critical"], range: "1h", offset: 100 }, 50, now));
    expect(q.getAll("severity")).toEqual(["high", "critical"]);
    expect(q.get("since")).toBe("2024-05-02T11:00:00.000Z");
    expect(q.get("range")).toBeNull();
    expect([q.get("limit"), q.get("offset")]).toEqual(["50", "100"]);
  });
});

describe("alerts topic messages", () => {
  it("knows changed and raised, and ignores anything else", () => {
    expect(alertMessage({ type: "raised", id: "A.1", count: 3, topic: "alerts" })).toEqual({ type: "raised", id: "A.1", count: 3 });
    expect(alertMessage({ type: "changed", id: "A.1" })).toEqual({ type: "changed", id: "A.1" });
    expect(alertMessage({ type: "raised", id: "A.1" })).toBeUndefined();
    expect(alertMessage({ type: "other", id: "A.1" })).toBeUndefined();
  });
});
