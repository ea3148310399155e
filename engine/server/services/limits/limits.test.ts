// The limits service on PGlite and PostgreSQL: role limits (defaults, set by administrators,
// audited, bounds) and run slots per user: taken or refused at the limit, counted over every
// live process, waiting in the user's own queue, woken by a release on another process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queries, type Database } from "@/drizzle";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { NodeId, RunSlot } from "@/engine/server/contracts";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { startAudit } from "../audit";
import { principal } from "../notebooks/testing";
import { startLimits, type StartedLimits } from "./start";

const alice = principal("alice", "analyst");
const bob = principal("bob", "analyst");
const admin = principal("admin", "administrator");

for (const target of testDatabaseTargets()) {
  describe(`limits service on ${target.name}`, () => {
    let database: Database;
    let t: TestDeps;
    let limits: StartedLimits;
    let other: StartedLimits;
    const otherController = new AbortController();
    const otherNode = "P.other-process" as NodeId;

    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database);
      const audit = startAudit(t);
      // A second process on the same database: its own node id, seen alive by both.
      const live = () => [...t.node.liveNodeIds(), otherNode];
      const quietBus = { broadcast() {}, send() {}, on: () => () => {} };
      other = startLimits({ ...t, audit, bus: quietBus, node: { nodeId: otherNode, liveNodeIds: live } }, otherController.signal);
      limits = startLimits({ ...t, audit, node: { nodeId: t.node.nodeId, liveNodeIds: live } }, t.signal);
    });
    afterAll(async () => {
      otherController.abort();
      await t?.stop();
      await database?.close();
    });

    it("every role has built-in limits until an administrator sets them; only administrators list or set", async () => {
      expect((await limits.list(admin)).map((l) => [l.role, l.maxTimeoutSeconds, l.maxRows, l.maxConcurrent, l.updatedBy])).toEqual([
        ["administrator", 86400, 50_000_000, 4, null],
        ["investigator", 3600, 5_000_000, 2, null],
        ["analyst", 3600, 5_000_000, 2, null],
        ["reader", 600, 1_000_000, 1, null],
        ["api", 3600, 5_000_000, 2, null],
      ]);
      await expect(limits.list(alice)).rejects.toThrow("SERVER_ADMIN");
      await expect(limits.set(admin, "wizard", { maxTimeoutSeconds: 1, maxRows: 1, maxConcurrent: 1 })).rejects.toThrow("`wizard` is not a role");
      await expect(limits.set(admin, "analyst", { maxTimeoutSeconds: 0, maxRows: 1, maxConcurrent: 1 })).rejects.toThrow("`maxTimeoutSeconds` must be a whole number from 1 to 604,800");
      await expect(limits.set(admin, "analyst", { maxTimeoutSeconds: 60, maxRows: 1, maxConcurrent: 1.5 })).rejects.toThrow("`maxConcurrent`");
    });

    it("set() stores a role's limits, applies them to the next check on every process and audits old and new values", async () => {
      const saved = await limits.set(admin, "investigator", { maxTimeoutSeconds: 120, maxRows: 1000, maxConcurrent: 3 });
      expect([saved.maxTimeoutSeconds, saved.maxRows, saved.maxConcurrent, saved.updatedBy]).toEqual([120, 1000, 3, "admin"]);
      expect(await limits.forPrincipal(principal("ivy", "investigator"))).toMatchObject({ role: "investigator", maxTimeoutSeconds: 120, maxRows: 1000, maxConcurrent: 3 });
      const [entry] = await queries.listAudit(database.db, { limit: 1, operation: "role_limits_set" });
      expect([entry?.principal, entry?.details]).toEqual(["admin", { role: "investigator", before: { maxTimeoutSeconds: 3600, maxRows: 5_000_000, maxConcurrent: 2 }, after: { maxTimeoutSeconds: 120, maxRows: 1000, maxConcurrent: 3 } }]);
    });

    it("tryAcquire() refuses at the user's limit, counting slots on every live process; other users are unaffected; release frees one", async () => {
      const a1 = await limits.tryAcquire(alice, "query");
      const a2 = await other.tryAcquire(alice, "notebook");
      expect("refused" in a1 || "refused" in a2).toBe(false);
      expect(await limits.tryAcquire(alice, "query")).toEqual({ refused: true, running: 2, limit: 2 });
      expect(await other.tryAcquire(alice, "query")).toEqual({ refused: true, running: 2, limit: 2 });
      const b1 = await limits.tryAcquire(bob, "query");
      expect("refused" in b1).toBe(false);
      await (a2 as RunSlot).release();
      await (a2 as RunSlot).release(); // idempotent
      const a3 = await limits.tryAcquire(alice, "query");
      expect("refused" in a3).toBe(false);
      for (const s of [a1, a3, b1]) await (s as RunSlot).release();
      expect(await queries.countRunSlots(database.db, "alice", [t.node.nodeId, otherNode])).toBe(0);
    });

    it("slots of a process that is gone do not count", async () => {
      await queries.tryTakeRunSlot(database.db, { id: "dead-1", username: "alice", nodeId: "P.gone", kind: "query", limit: 5, liveNodeIds: ["P.gone"], at: new Date() });
      await queries.tryTakeRunSlot(database.db, { id: "dead-2", username: "alice", nodeId: "P.gone", kind: "query", limit: 5, liveNodeIds: ["P.gone"], at: new Date() });
      const s = await limits.tryAcquire(alice, "query");
      expect("refused" in s).toBe(false);
      await (s as RunSlot).release();
      expect(await queries.sweepRunSlots(database.db, { liveNodeIds: [t.node.nodeId, otherNode], before: new Date(Date.now() + 1000) })).toBe(2);
    });

    it("acquire() waits in the user's own queue, tells the waiter why, and a release on another process wakes it", async () => {
      const held = [await other.tryAcquire(alice, "notebook"), await other.tryAcquire(alice, "notebook")] as RunSlot[];
      const notes: string[] = [];
      const c = new AbortController();
      let got: RunSlot | undefined;
      const waiting = limits.acquire(alice, "notebook", { signal: c.signal, onWait: (running, limit) => notes.push(`${running}/${limit}`) }).then((s) => (got = s));
      // Bob is not behind Alice.
      const tb = performance.now();
      const b = await limits.acquire(bob, "notebook", { signal: c.signal });
      expect(performance.now() - tb).toBeLessThan(500);
      await new Promise((r) => setTimeout(r, 200));
      expect([got, notes, limits.waiting("alice")]).toEqual([undefined, ["2/2"], 1]);
      // The release happens on the other process (no bus here): the waiter's next check sees it.
      const t0 = performance.now();
      await held[0]!.release();
      await waiting;
      expect(performance.now() - t0).toBeLessThan(2000);
      for (const s of [held[1]!, got!, b]) await s.release();
    });

    it("acquire() rejects when its signal aborts while waiting, and leaves the queue", async () => {
      const held = [await limits.tryAcquire(alice, "query"), await limits.tryAcquire(alice, "query")] as RunSlot[];
      const c = new AbortController();
      const p = limits.acquire(alice, "notebook", { signal: c.signal });
      await new Promise((r) => setTimeout(r, 100));
      c.abort(new Error("cancelled"));
      await expect(p).rejects.toThrow("cancelled");
      expect(limits.waiting("alice")).toBe(0);
      for (const s of held) await s.release();
      expect(await queries.countRunSlots(database.db, "alice", [t.node.nodeId, otherNode])).toBe(0);
    });
  });
}
