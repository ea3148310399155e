// The hunts routes' zod schemas: what a create and a patch accept, their defaults, and the
// sentence-sized problems they refuse with.
import { describe, expect, it } from "vitest";
import { HuntCreate, HuntEstimateBody, HuntListQuery, HuntPatch, HuntRerunBody } from "./schemas";

describe("hunts route schemas", () => {
  it("HuntCreate needs artifacts, defaults to paused and parses times and OS", () => {
    const ok = HuntCreate.parse({ artifacts: ["Generic.Client.Info"], expires: "2030-01-01T00:00:00Z", os: "LINUX", includeLabels: [" Web "], clientRate: 600 });
    expect(ok).toMatchObject({ artifacts: ["Generic.Client.Info"], pause: true, os: "LINUX", includeLabels: ["Web"], clientRate: 600 });
    expect(ok.expires).toEqual(new Date("2030-01-01T00:00:00Z"));
    expect(HuntCreate.safeParse({ artifacts: [] }).success).toBe(false);
    expect(HuntCreate.safeParse({ artifacts: ["A"], os: "BEOS" }).success).toBe(false);
    expect(HuntCreate.safeParse({ artifacts: ["A"], clientRate: -1 }).success).toBe(false);
    expect(HuntCreate.safeParse({ artifacts: ["A"], expires: "soon" }).success).toBe(false);
  });

  it("HuntPatch takes RUNNING or STOPPED only; the list query has bounds", () => {
    expect(HuntPatch.parse({ state: "STOPPED" })).toEqual({ state: "STOPPED" });
    expect(HuntPatch.safeParse({ state: "PAUSED" }).success).toBe(false);
    expect(HuntListQuery.parse({})).toEqual({ offset: 0, limit: 50 });
    expect(HuntListQuery.safeParse({ limit: "5000" }).success).toBe(false);
  });

  it("HuntCreate takes the safety rails within their bounds", () => {
    expect(HuntCreate.parse({ artifacts: ["A"], maxErrorPercent: 20, maxTotalRows: 1000, maxTotalUploadBytes: 5 })).toMatchObject({ maxErrorPercent: 20, maxTotalRows: 1000, maxTotalUploadBytes: 5 });
    for (const bad of [{ maxErrorPercent: 0 }, { maxErrorPercent: 101 }, { maxErrorPercent: 2.5 }, { maxTotalRows: 0 }, { maxTotalUploadBytes: -1 }]) expect(HuntCreate.safeParse({ artifacts: ["A"], ...bad }).success).toBe(false);
  });

  it("the estimate takes a create's selection fields only; re-run defaults to the errored clients", () => {
    expect(HuntEstimateBody.parse({})).toEqual({});
    expect(HuntEstimateBody.parse({ includeLabels: [" Web "], os: "WINDOWS", serverCondition: "SELECT * FROM rows", clientLimit: 5 })).toEqual({ includeLabels: ["Web"], os: "WINDOWS", serverCondition: "SELECT * FROM rows", clientLimit: 5 });
    expect(HuntEstimateBody.safeParse({ artifacts: ["A"] }).success).toBe(false);
    expect(HuntEstimateBody.safeParse({ os: "BEOS" }).success).toBe(false);
    expect(HuntEstimateBody.safeParse({ clientLimit: -1 }).success).toBe(false);
    expect(HuntRerunBody.parse({})).toEqual({ states: ["error"] });
    expect(HuntRerunBody.parse({ states: ["error"] })).toEqual({ states: ["error"] });
    expect(HuntRerunBody.safeParse({ states: ["completed"] }).success).toBe(false);
    expect(HuntRerunBody.safeParse({ states: [] }).success).toBe(false);
  });
});
