// The hunts routes' zod schemas: what a create and a patch accept, their defaults, and the
// sentence-sized problems they refuse with.
import { describe, expect, it } from "vitest";
import { HuntCreate, HuntListQuery, HuntPatch } from "./schemas";

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
});
