// The alerts routes' request edges: the inbox filter from a query string, the triage body and
// the context window.
import { describe, expect, it } from "vitest";
import { AlertPatch, isAlertId, NotebookBody, parseAlertQuery, parseWindow } from "./schemas";

const q = (s: string) => parseAlertQuery(new URLSearchParams(s));

describe("parseAlertQuery()", () => {
  it("reads repeated or comma-separated statuses and severities, the text filters, times and paging", () => {
    const r = q("status=new&status=acknowledged,new&severity=high,critical&client=C.0123456789abcdef&label=prod&artifact=Windows.Detection.X&search=%20mimikatz%20&assignee=ann&since=2024-05-01T00:00:00Z&until=1714608000&limit=20&offset=40");
    expect(r).toEqual({
      ok: true,
      value: {
        status: ["new", "acknowledged"],
        severity: ["high", "critical"],
        clientId: "C.0123456789abcdef",
        label: "prod",
        artifact: "Windows.Detection.X",
        search: "mimikatz",
        assignee: "ann",
        since: new Date("2024-05-01T00:00:00Z"),
        until: new Date(1714608000 * 1000),
        limit: 20,
        offset: 40,
      },
    });
  });

  it("leaves blank parameters out and pages 50 from the start by default", () => {
    expect(q("status=&client=&search=")).toEqual({ ok: true, value: { limit: 50, offset: 0 } });
  });

  it("refuses an unknown status, a bad time and a limit past 500, naming the parameter", () => {
    const bad = [q("status=open"), q("since=yesterday"), q("limit=501"), q("offset=-1")];
    expect(bad.map((r) => r.ok)).toEqual([false, false, false, false]);
    expect(bad.map((r) => (r.ok ? "" : r.error.split(":")[0]))).toEqual(["status.0", "since", "limit", "offset"]);
    expect(JSON.stringify(bad)).not.toContain("yesterday");
  });
});

describe("AlertPatch", () => {
  it("takes a status, an assignee (blank unassigns) and a comment", () => {
    expect(AlertPatch.parse({ status: "resolved", assignee: "", comment: " done " })).toEqual({ status: "resolved", assignee: null, comment: "done" });
    expect(AlertPatch.parse({ assignee: null })).toEqual({ assignee: null });
  });

  it("refuses an empty change, unknown fields and unknown statuses", () => {
    expect(AlertPatch.safeParse({}).success).toBe(false);
    expect(AlertPatch.safeParse({ status: "closed" }).success).toBe(false);
    expect(AlertPatch.safeParse({ status: "new", severity: "low" }).success).toBe(false);
    expect(AlertPatch.safeParse({ comment: "   " }).success).toBe(false);
  });
});

describe("the context window and alert ids", () => {
  it("window is whole seconds up to a week", () => {
    expect(parseWindow(new URLSearchParams("window=600"))).toEqual({ ok: true, value: 600 });
    expect(parseWindow(new URLSearchParams(""))).toEqual({ ok: true, value: undefined });
    expect(parseWindow(new URLSearchParams("window=1.5")).ok).toBe(false);
    expect(NotebookBody.safeParse({ window: 9e9 }).success).toBe(false);
  });

  it("alert ids are A. and base32 digits", () => {
    expect(isAlertId("A.0J3K9")).toBe(true);
    expect(isAlertId("A.")).toBe(false);
    expect(isAlertId("../x")).toBe(false);
  });
});
