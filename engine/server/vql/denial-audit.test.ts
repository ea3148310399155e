import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Engine, Principal } from "@/engine/server/contracts";
import { permissionsOf } from "../auth/roles";
import { createLogger } from "../log";
import { createEngine } from "../wiring";
import { createDenialAudit, PER_USER_PER_MINUTE } from "./denial-audit";

const analyst: Principal = { userId: "u-ann", username: "ann", role: "analyst", permissions: permissionsOf("analyst"), via: "session" };

describe("createDenialAudit()", () => {
  it("records one entry per user, builtin and permission a minute, counts the rest in the next", async () => {
    let now = Date.parse("2026-12-02T08:00:00Z");
    const records: Array<{ who: string; op: string; details: Record<string, unknown> }> = [];
    const d = createDenialAudit({ record: async (p, op, details = {}) => void records.push({ who: p.username, op, details }) }, { now: () => new Date(now) });
    for (let i = 0; i < 1000; i++) await d.note(analyst, { builtin: "collect_client", permission: "COLLECT_CLIENT" });
    expect(records).toEqual([{ who: "ann", op: "VqlPermissionDenied", details: { builtin: "collect_client", permission: "COLLECT_CLIENT" } }]);
    // Many different builtins: capped per user per minute.
    for (let i = 0; i < 50; i++) await d.note(analyst, { builtin: `b${i}`, permission: "EXECVE" });
    expect(records).toHaveLength(PER_USER_PER_MINUTE);
    // The first entry after a run of held-back ones says how many there were.
    expect(records[1]!.details).toEqual({ builtin: "b0", permission: "EXECVE", suppressed: 999 });
    // Another user has their own allowance.
    await d.note({ ...analyst, username: "bea" }, { builtin: "collect_client", permission: "COLLECT_CLIENT" }, { notebookId: "N.1", cellId: "NC.1" });
    expect(records.at(-1)).toEqual({ who: "bea", op: "VqlPermissionDenied", details: { builtin: "collect_client", permission: "COLLECT_CLIENT", notebook: "N.1", cell: "NC.1" } });
    // A minute later the next entry says how many were held back.
    now += 60_000;
    await d.note(analyst, { builtin: "collect_client", permission: "COLLECT_CLIENT" });
    expect(records.at(-1)?.details).toEqual({ builtin: "collect_client", permission: "COLLECT_CLIENT", suppressed: 50 - (PER_USER_PER_MINUTE - 1) });
  });
});

for (const target of testDatabaseTargets()) {
  describe(`VQL permission denials reach the audit log (${target.name})`, () => {
    let engine: Engine;
    // Real time plus an offset the test moves forward (the engine's other users need time to pass).
    let offset = 0;
    beforeAll(async () => {
      engine = await createEngine({ database: await target.open(), log: createLogger({ quiet: true }), clock: { now: () => new Date(Date.now() + offset) } });
    });
    afterAll(() => engine?.close());

    async function drain(vql: string) {
      const logs: string[] = [];
      for await (const e of engine.queries.run(vql, { principal: analyst })) if (e.kind === "log") logs.push(e.message);
      return logs;
    }

    it("a refused builtin is recorded with who, what and which permission; a loop of them is not a flood", async () => {
      const logs = await drain("SELECT collect_client(client_id='C.1', artifacts='Generic.Client.Info') AS C FROM range(end=500)");
      expect(logs.some((l) => /permission denied: `collect_client\(\)` needs COLLECT_CLIENT/.test(l))).toBe(true);
      for (let i = 0; i < 20; i++) await drain("SELECT collect_client(client_id='C.1', artifacts='Generic.Client.Info') FROM scope()");
      const denied = (await engine.audit.list({ limit: 100, operation: "VqlPermissionDenied" })).filter((e) => e.principal === "ann");
      expect(denied).toHaveLength(1);
      expect(denied[0]!.details).toEqual({ builtin: "collect_client", permission: "COLLECT_CLIENT" });
      offset += 61_000;
      await drain("SELECT collect_client(client_id='C.1', artifacts='Generic.Client.Info') FROM scope()");
      const again = (await engine.audit.list({ limit: 100, operation: "VqlPermissionDenied" })).filter((e) => e.principal === "ann");
      expect(again).toHaveLength(2);
      expect(Number(again[0]!.details.suppressed)).toBeGreaterThanOrEqual(20);
    });
  });
}
