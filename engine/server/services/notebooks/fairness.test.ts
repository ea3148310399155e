// Fairness and limits per user for notebook cells, on PGlite and PostgreSQL, with real VQL.
// Reproduces what issue 13 saw: one analyst's three long `sleep()` cells made another user's
// trivial cell wait (44.3 s with sleep(45) behind a global queue of two workers); an analyst set
// a notebook's timeout to 24 h and its row cap to 50M.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queries, type Database } from "@/drizzle";
import { testDatabaseTargets } from "@/drizzle/testing";
import { createRegistry, portableBuiltins, runVql } from "@/engine/vql";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { startAudit } from "../audit";
import { startLimits, type StartedLimits } from "../limits";
import type { CellQueryRunner, RunEvent } from "./deps";
import { startNotebooks, type StartedNotebooks } from "./start";
import { principal, recordingHub } from "./testing";

const registry = createRegistry(portableBuiltins);
const runner: CellQueryRunner = (source, o) => runVql(source, { registry, env: o.env, signal: o.signal, maxRows: o.maxRows, permissions: o.principal.permissions }) as AsyncIterable<RunEvent>;
const alice = principal("alice", "analyst");
const bob = principal("bob", "analyst");
const admin = principal("admin", "administrator");
const SLEEP = "SELECT sleep(time=3) AS Slept FROM scope()";

for (const target of testDatabaseTargets()) {
  describe(`notebook fairness and role limits on ${target.name}`, () => {
    let database: Database;
    let svc: StartedNotebooks;
    let limits: StartedLimits;
    let t: TestDeps;
    const hub = recordingHub();

    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database);
      const audit = startAudit(t);
      limits = startLimits({ ...t, audit }, t.signal);
      svc = await startNotebooks({ ...t, audit, limits, ui: hub, templatesDir: "/nonexistent", runQuery: runner, saveArtifact: async () => ({ name: "" }) }, t.signal);
    });
    afterAll(async () => {
      await svc?.stop();
      await t?.stop();
      await database?.close();
    });

    async function notebookWith(owner: typeof alice, inputs: string[]) {
      const nb = await svc.create(owner, { name: "Fair" });
      const ids = [nb.cells[0]!.id];
      await svc.saveCell(owner, nb.id, ids[0]!, { input: inputs[0]! });
      for (let i = 1; i < inputs.length; i++) ids.push((await svc.addCell(owner, nb.id, { type: "vql", input: inputs[i] })).id);
      return { nb, ids };
    }

    async function settled(owner: typeof alice, nbId: string, cellId: string, ms = 15_000) {
      const t0 = Date.now();
      for (;;) {
        const c = (await svc.get(owner, nbId)).cells.find((x) => x.id === cellId)!;
        if (!["queued", "running"].includes(c.status)) return c;
        if (Date.now() - t0 > ms) throw new Error(`cell ${cellId} still ${c.status}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    it("one user's three long cells do not hold up another user's trivial cell; the third waits in its user's queue, saying why", async () => {
      const a = await notebookWith(alice, [SLEEP, SLEEP, SLEEP]);
      const t0 = performance.now();
      for (const id of a.ids) await svc.runCell(alice, a.nb.id, id, { input: SLEEP });
      const b = await notebookWith(bob, ["SELECT 1 AS One FROM scope()"]);
      const tb = performance.now();
      await svc.runCell(bob, b.nb.id, b.ids[0]!, {});
      const bobs = await settled(bob, b.nb.id, b.ids[0]!);
      const bobMs = performance.now() - tb;
      expect(bobs.status).toBe("done");
      expect(bobMs).toBeLessThan(1000);
      // Alice's runs are still going: two running (the analyst limit), one waiting in her queue.
      const mid = (await svc.get(alice, a.nb.id)).cells;
      expect(mid.map((c) => c.status).sort()).toEqual(["queued", "running", "running"]);
      expect(limits.waiting("alice")).toBe(1);
      const third = a.ids.find((id) => mid.find((c) => c.id === id)!.status === "queued")!;
      const waitingNote = hub.of("cell-status").find((m) => m.cellId === third && m.status === "queued" && m.waiting);
      expect(waitingNote?.waiting).toBe("waiting: you have 2 running (your role's limit is 2)");
      const done = await Promise.all(a.ids.map((id) => settled(alice, a.nb.id, id)));
      expect(done.map((c) => c.status)).toEqual(["done", "done", "done"]);
      // Two ran together; the third started only when one of them had ended (about 6 s in all, not 3).
      const byStart = [...done].sort((x, y) => Date.parse(x.startedAt!) - Date.parse(y.startedAt!));
      expect(Math.abs(Date.parse(byStart[1]!.startedAt!) - Date.parse(byStart[0]!.startedAt!))).toBeLessThan(1000);
      expect(Date.parse(byStart[2]!.startedAt!)).toBeGreaterThanOrEqual(Math.min(Date.parse(byStart[0]!.finishedAt!), Date.parse(byStart[1]!.finishedAt!)));
      expect(performance.now() - t0).toBeGreaterThan(5500);
      console.info(`[figure ${target.name}] bob's trivial cell while alice's 3 sleep(3) cells ran: ${Math.round(bobMs)} ms; alice's three: ${Math.round(performance.now() - t0)} ms`);
      // Every slot is given back (just after each run stores its state).
      for (let i = 0; i < 50 && (await queries.countRunSlots(database.db, "alice", t.node.liveNodeIds())) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await queries.countRunSlots(database.db, "alice", t.node.liveNodeIds())).toBe(0);
    }, 30_000);

    it("a cancel reaches a run waiting for its user's slot: it ends cancelled and never starts", async () => {
      const a = await notebookWith(alice, [SLEEP, SLEEP, SLEEP]);
      for (const id of a.ids) await svc.runCell(alice, a.nb.id, id, { input: SLEEP });
      await new Promise((r) => setTimeout(r, 200));
      const waiting = (await svc.get(alice, a.nb.id)).cells.find((c) => c.status === "queued")!;
      await svc.cancelCell(alice, a.nb.id, waiting.id);
      const c = await settled(alice, a.nb.id, waiting.id, 1000);
      expect([c.status, c.error, c.startedAt]).toEqual(["cancelled", "Cancelled before it started", null]);
      for (const id of a.ids) if (id !== waiting.id) await svc.cancelCell(alice, a.nb.id, id);
      expect(limits.waiting("alice")).toBe(0);
    }, 20_000);

    it("a notebook timeout or row cap above the role's maximum is refused when saved, with the maximum named", async () => {
      const { nb } = await notebookWith(alice, ["SELECT 1 FROM scope()"]);
      await expect(svc.update(alice, nb.id, { settings: { timeoutSeconds: 24 * 3600 } })).rejects.toThrow("the timeout is above the analyst role's maximum of 3,600 seconds");
      await expect(svc.update(alice, nb.id, { settings: { maxRows: 50_000_000 } })).rejects.toThrow("the row cap is above the analyst role's maximum of 5,000,000 rows");
      expect((await svc.get(alice, nb.id)).settings).toEqual({});
      const ok = await svc.update(alice, nb.id, { settings: { timeoutSeconds: 3600, maxRows: 5_000_000 } });
      expect(ok.settings).toEqual({ timeoutSeconds: 3600, maxRows: 5_000_000 });
      expect(ok.limits).toEqual({ role: "analyst", maxTimeoutSeconds: 3600, maxRows: 5_000_000, maxConcurrent: 2 });
    });

    it("a run is clamped to the runner's role: an administrator's 24 h / 50M notebook runs for an analyst at the analyst maximum, with a note", async () => {
      const { nb, ids } = await notebookWith(admin, ["SELECT * FROM range(end=10)"]);
      await svc.update(admin, nb.id, { settings: { timeoutSeconds: 24 * 3600, maxRows: 50_000_000 }, collaborators: ["alice"] });
      // Saving other fields keeps the administrator's values (not refused for the analyst)...
      await svc.update(alice, nb.id, { name: "Renamed", settings: { timeoutSeconds: 24 * 3600, maxRows: 50_000_000 } });
      await svc.runCell(alice, nb.id, ids[0]!, {});
      const c = await settled(alice, nb.id, ids[0]!);
      // ...but the analyst's run is lowered to the analyst maximum, and says so.
      expect(c.status).toBe("done");
      expect(c.logs.filter((l) => l.level === "WARN").map((l) => l.message)).toEqual([
        "the timeout was lowered from 86,400 s to 3,600 s, the analyst role's maximum",
        "the row cap was lowered from 50,000,000 to 5,000,000, the analyst role's maximum",
      ]);
    });

    it("an administrator's change to a role's limits applies to the next run and to runs already waiting", async () => {
      await expect(limits.set(alice, "analyst", { maxTimeoutSeconds: 60, maxRows: 5, maxConcurrent: 1 })).rejects.toThrow("SERVER_ADMIN");
      await limits.set(admin, "analyst", { maxTimeoutSeconds: 60, maxRows: 5, maxConcurrent: 1 });
      const audit = await queries.listAudit(database.db, { limit: 1, operation: "role_limits_set" });
      expect(audit[0]?.details).toEqual({ role: "analyst", before: { maxTimeoutSeconds: 3600, maxRows: 5_000_000, maxConcurrent: 2 }, after: { maxTimeoutSeconds: 60, maxRows: 5, maxConcurrent: 1 } });

      // Row cap 5: a 100-row table is cut at 5, with the note.
      const r = await notebookWith(alice, ["SELECT * FROM range(end=100)"]);
      await svc.runCell(alice, r.nb.id, r.ids[0]!, {});
      const cut = await settled(alice, r.nb.id, r.ids[0]!);
      expect([cut.tables[0]?.rowCount, cut.tables[0]?.truncated]).toEqual([5, true]);
      expect(cut.logs.map((l) => l.message)).toEqual(["a result was cut at 5 rows (the row cap); refine the query or raise the notebook's row cap"]);

      // Concurrency 1: the second cell waits; raising it to 2 starts it without waiting for the first.
      const a = await notebookWith(alice, [SLEEP, SLEEP]);
      for (const id of a.ids) await svc.runCell(alice, a.nb.id, id, { input: SLEEP });
      await new Promise((r) => setTimeout(r, 300));
      expect((await svc.get(alice, a.nb.id)).cells.map((c) => c.status).sort()).toEqual(["queued", "running"]);
      await limits.set(admin, "analyst", { maxTimeoutSeconds: 60, maxRows: 5, maxConcurrent: 2 });
      await new Promise((r) => setTimeout(r, 300));
      expect((await svc.get(alice, a.nb.id)).cells.map((c) => c.status)).toEqual(["running", "running"]);
      for (const id of a.ids) await svc.cancelCell(alice, a.nb.id, id);
      await limits.set(admin, "analyst", { maxTimeoutSeconds: 3600, maxRows: 5_000_000, maxConcurrent: 2 });
    }, 20_000);
  });
}
