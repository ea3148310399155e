// listFlows(): a client's flows newest first, and with `artifact` only the flows whose request
// collected that artifact (the Shell tab's history), counted the same way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../client";
import { testDatabaseTargets } from "../testing";
import * as q from "./index";

const t0 = Date.parse("2026-12-02T10:00:00Z");
const C1 = "C.00000000000000a1";
const C2 = "C.00000000000000a2";

for (const target of testDatabaseTargets()) {
  describe(`listFlows on ${target.name}`, () => {
    let database: Database;
    beforeAll(async () => {
      database = await target.open();
      const { db } = database;
      for (const clientId of [C1, C2]) await q.createClient(db, { clientId, publicKey: "k", agentName: "talon", agentVersion: "0", ip: "127.0.0.1", at: new Date(t0) });
      const flow = async (flowId: string, clientId: string, artifacts: string[], minute: number) =>
        q.createFlows(db, { flows: [{ flowId, clientId }], creator: "admin", request: { artifacts, parameters: {} }, at: new Date(t0 + minute * 60_000) });
      await flow("F.SHELL1", C1, ["Linux.Sys.BashShell"], 1);
      await flow("F.PSLIST", C1, ["Linux.Sys.Pslist"], 2);
      await flow("F.BOTH", C1, ["Linux.Sys.Pslist", "Linux.Sys.BashShell"], 3);
      await flow("F.SHELL2", C1, ["Linux.Sys.BashShell"], 4);
      // A name that only starts like it, and the same artifact on another client.
      await flow("F.PREFIX", C1, ["Linux.Sys.BashShellX"], 5);
      await flow("F.OTHER", C2, ["Linux.Sys.BashShell"], 6);
    });
    afterAll(async () => database?.close());

    it("without artifact: every flow of the client, newest first", async () => {
      const r = await q.listFlows(database.db, { clientId: C1, offset: 0, limit: 50 });
      expect(r.rows.map((f) => f.flowId)).toEqual(["F.PREFIX", "F.SHELL2", "F.BOTH", "F.PSLIST", "F.SHELL1"]);
      expect(r.total).toBe(5);
    });

    it("with artifact: only this client's flows that collected exactly that artifact, paged, with their total", async () => {
      const all = await q.listFlows(database.db, { clientId: C1, offset: 0, limit: 50, artifact: "Linux.Sys.BashShell" });
      expect(all.rows.map((f) => f.flowId)).toEqual(["F.SHELL2", "F.BOTH", "F.SHELL1"]);
      expect(all.total).toBe(3);
      const second = await q.listFlows(database.db, { clientId: C1, offset: 1, limit: 1, artifact: "Linux.Sys.BashShell" });
      expect(second).toMatchObject({ rows: [expect.objectContaining({ flowId: "F.BOTH" })], total: 3 });
      expect((await q.listFlows(database.db, { clientId: C1, offset: 0, limit: 50, artifact: "No.Such" })).total).toBe(0);
    });
  });
}
