// The journal on both databases: appends in the caller's transaction, subscribers that stall
// and catch up, a late commit never skipped, durable consumers that resume, memory-only queues,
// history by time and retention by dropping partitions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, queries, type Database } from "@/drizzle";
import { testDatabaseTargets } from "@/drizzle/testing";
import { createIdSource, startClusterNode, type StartedNode } from "../../cluster";
import type { JournalEvent } from "@/engine/server/contracts";
import type { Clock, Logger } from "@/engine/server/contracts";
import { startJournal, type StartedJournal } from "./start";

const quiet: Logger = { info() {}, warn() {}, error() {} };

async function take(it: AsyncIterable<JournalEvent>, n: number, timeoutMs = 20_000): Promise<JournalEvent[]> {
  const out: JournalEvent[] = [];
  const t0 = Date.now();
  for await (const e of it) {
    out.push(e);
    if (out.length >= n) break;
    if (Date.now() - t0 > timeoutMs) throw new Error(`only ${out.length} of ${n} events in ${timeoutMs} ms`);
  }
  return out;
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

for (const target of testDatabaseTargets()) {
  describe(`journal on ${target.name}`, () => {
    let database: Database;
    let node: StartedNode;
    let journal: StartedJournal;
    const controller = new AbortController();
    let now = new Date();
    const clock: Clock = { now: () => now };

    beforeAll(async () => {
      database = await target.open();
      node = await startClusterNode({ database, clock: { now: () => new Date() }, log: quiet }, { tickMs: 200 });
      journal = await startJournal({ database, clock, log: quiet, config: {} as never, ids: createIdSource(() => node.slot(), () => Date.now()), leases: node.leases }, controller.signal);
    });
    afterAll(async () => {
      controller.abort();
      await journal?.stop();
      await node?.stop();
      await database?.close();
    });

    it("append() then subscribe(from now) gets only later events, in order, with cursors and ids", async () => {
      await journal.append("Test.Before", [{ n: -1 }]);
      const ac = new AbortController();
      const sub = journal.subscribe("Test.Order", { signal: ac.signal });
      await sub.ready;
      const got = take(sub, 3);
      await journal.append("Test.Order", [{ n: 1 }, { n: 2 }]);
      await journal.append("Test.Order", [{ n: 3 }], { clientId: "C.0123456789abcdef" });
      const events = await within(got, 10_000, "three events");
      ac.abort();
      expect(events.map((e) => e.payload.n)).toEqual([1, 2, 3]);
      expect(events[2]!.clientId).toBe("C.0123456789abcdef");
      expect(events[0]!.clientId).toBe("server");
      expect(new Set(events.map((e) => e.id)).size).toBe(3);
      expect(events.every((e) => /^\d+:\d+$/.test(e.cursor))).toBe(true);
    });

    it("an event appended in a transaction commits with the state change, and a rollback keeps neither", async () => {
      const { db } = database;
      await queries.inTransaction(db, async (tx) => {
        await queries.createUser(tx, { id: "u-tx-commit", username: "tx-commit", passwordHash: "x", role: "reader" });
        await journal.append("Test.Tx", [{ user: "tx-commit" }], { tx });
      });
      await expect(
        queries.inTransaction(db, async (tx) => {
          await queries.createUser(tx, { id: "u-tx-rollback", username: "tx-rollback", passwordHash: "x", role: "reader" });
          await journal.append("Test.Tx", [{ user: "tx-rollback" }], { tx });
          throw new Error("abandon");
        }),
      ).rejects.toThrow("abandon");
      const events = await journal.history("Test.Tx", { limit: 10 });
      expect(events.map((e) => e.payload.user)).toEqual(["tx-commit"]);
      expect(await queries.getUserByName(db, "tx-commit")).toBeDefined();
      expect(await queries.getUserByName(db, "tx-rollback")).toBeUndefined();
    });

    it("a subscriber that stalls while 100,000 events are appended catches up with every one, in order", async () => {
      const ac = new AbortController();
      const subscription = journal.subscribe("Test.Stall", { signal: ac.signal });
      await subscription.ready;
      const sub = subscription[Symbol.asyncIterator]();
      const first = sub.next();
      await journal.append("Test.Stall", [{ n: 0 }]);
      expect((await within(first, 10_000, "first event")).value?.payload.n).toBe(0);
      // The reader now stalls (nobody calls next) while the writer appends 100,000 more.
      const t0 = performance.now();
      for (let i = 1; i <= 100_000; i += 5000) await journal.append("Test.Stall", Array.from({ length: 5000 }, (_, k) => ({ n: i + k })));
      const appendMs = performance.now() - t0;
      let expected = 1;
      for (;;) {
        const r = await within(sub.next(), 20_000, `event ${expected}`);
        expect(r.value!.payload.n).toBe(expected);
        if (++expected > 100_000) break;
      }
      ac.abort();
      await sub.return?.();
      // The writer never waited for the reader: 100,000 rows went in while it read nothing.
      expect(appendMs).toBeGreaterThan(0);
    }, 120_000);

    it("a durable consumer stopped mid-stream resumes after its last committed batch: nothing lost, its own writes exactly once", async () => {
      const { db } = database;
      const consumer = journal.consumer("test-durable", "Test.Durable", { initial: "start" });
      await journal.append("Test.Durable", Array.from({ length: 250 }, (_, n) => ({ n })));
      const seen: number[] = [];
      const first = new AbortController();
      let batches = 0;
      // Dies on its third batch, after the handler wrote but before the batch committed.
      const run1 = consumer.run(
        async (events, tx) => {
          if (++batches === 3) {
            first.abort();
            throw new Error("killed");
          }
          for (const e of events) await queries.createUser(tx, { id: `u-durable-${e.payload.n}`, username: `durable-${e.payload.n}`, passwordHash: "x", role: "reader" });
          seen.push(...events.map((e) => e.payload.n as number));
        },
        { signal: first.signal, batchSize: 50 },
      );
      await within(run1, 10_000, "first run to stop");
      expect(seen).toEqual(Array.from({ length: 100 }, (_, n) => n));
      await journal.append("Test.Durable", Array.from({ length: 50 }, (_, n) => ({ n: 250 + n })));
      const second = new AbortController();
      const run2 = consumer.run(
        async (events, tx) => {
          for (const e of events) await queries.createUser(tx, { id: `u-durable-${e.payload.n}`, username: `durable-${e.payload.n}`, passwordHash: "x", role: "reader" });
          seen.push(...events.map((e) => e.payload.n as number));
          if (seen.length >= 300) second.abort();
        },
        { signal: second.signal, batchSize: 50 },
      );
      await within(run2, 15_000, "second run to catch up");
      expect(seen).toEqual(Array.from({ length: 300 }, (_, n) => n));
      const users = await queries.listUsers(db);
      expect(users.filter((u) => u.username.startsWith("durable-"))).toHaveLength(300);
      const c = await queries.getConsumer(db, "test-durable");
      expect(c?.handled).toBe(300);
    });

    it("history() reads a queue by time range, newest first, per client", async () => {
      now = new Date("2026-06-01T10:00:00Z");
      await journal.append("Test.History", [{ n: 1 }]);
      now = new Date("2026-06-02T10:00:00Z");
      await journal.append("Test.History", [{ n: 2 }], { clientId: "C.00000000000000aa" });
      now = new Date("2026-06-03T10:00:00Z");
      await journal.append("Test.History", [{ n: 3 }]);
      now = new Date();
      expect((await journal.history("Test.History", { limit: 10 })).map((e) => e.payload.n)).toEqual([3, 2, 1]);
      expect((await journal.history("Test.History", { limit: 10, start: new Date("2026-06-02T00:00:00Z"), end: new Date("2026-06-03T00:00:00Z") })).map((e) => e.payload.n)).toEqual([2]);
      expect((await journal.history("Test.History", { limit: 10, clientId: "C.00000000000000aa" })).map((e) => e.payload.n)).toEqual([2]);
      expect((await journal.history("Test.History", { limit: 10, oldestFirst: true })).map((e) => e.payload.n)).toEqual([1, 2, 3]);
    });

    it("subscribe(from a time) starts at the first event at or after it; from a cursor resumes after it", async () => {
      const ac = new AbortController();
      const all = await take(journal.subscribe("Test.History", { from: new Date("2026-06-02T00:00:00Z"), signal: ac.signal }), 2);
      expect(all.map((e) => e.payload.n)).toEqual([2, 3]);
      const after = await take(journal.subscribe("Test.History", { from: all[0]!.cursor, signal: ac.signal }), 1);
      expect(after.map((e) => e.payload.n)).toEqual([3]);
      ac.abort();
    });

    it("a memory-only queue reaches subscribers, is never stored, and an append in a rolled-back transaction is never delivered", async () => {
      expect(journal.isStored("Server.Internal.ClientScheduled")).toBe(false);
      const ac = new AbortController();
      const got = take(journal.subscribe("Server.Internal.ClientScheduled", { signal: ac.signal }), 2);
      await expect(
        queries.inTransaction(database.db, async (tx) => {
          await journal.append("Server.Internal.ClientScheduled", [{ n: "rolled back" }], { tx });
          throw new Error("abandon");
        }),
      ).rejects.toThrow("abandon");
      await journal.append("Server.Internal.ClientScheduled", [{ n: "small" }]);
      // Bigger than a NOTIFY payload: relayed through a table.
      await journal.append("Server.Internal.ClientScheduled", [{ n: "big", blob: "x".repeat(20_000) }]);
      const events = await within(got, 10_000, "memory-only events");
      ac.abort();
      expect(events.map((e) => e.payload.n)).toEqual(["small", "big"]);
      expect(String(events[1]!.payload.blob).length).toBe(20_000);
      expect(await journal.history("Server.Internal.ClientScheduled", { limit: 10 })).toEqual([]);
    });

    it("append() refuses a queue name that is not an artifact name and a client id that is neither C.… nor server", async () => {
      await expect(journal.append("Bad Queue;drop", [{}])).rejects.toThrow(/not a queue name/);
      await expect(journal.append("Test.Ok", [{}], { clientId: "C.nope" })).rejects.toThrow(/neither a client id/);
    });

    it("retention drops whole day partitions past the queue's days and keeps the rest", async () => {
      const { db } = database;
      now = new Date(Date.UTC(2026, 0, 10, 12));
      await journal.maintain();
      await journal.append("Test.Retention", [{ day: 10 }]);
      now = new Date(Date.UTC(2026, 1, 20, 12));
      await journal.append("Test.Retention", [{ day: 51 }]);
      // Maintenance 30 days after the first: the first day's partition goes, the second stays.
      now = new Date(Date.UTC(2026, 1, 21, 12));
      const { dropped } = await journal.maintain();
      now = new Date();
      expect(dropped).toContain("events_r30_20260110");
      expect(dropped.some((d) => d.endsWith("_20260220"))).toBe(false);
      expect((await journal.history("Test.Retention", { limit: 10 })).map((e) => e.payload.day)).toEqual([51]);
      const parts = (await queries.listDayPartitions(db, 30)).map((p) => p.name);
      expect(parts).toContain("events_r30_20260220");
      expect(parts).not.toContain("events_r30_20260110");
    });

    it("an event dated where no day partition exists yet is kept, and maintenance gives its day a partition", async () => {
      const { db } = database;
      now = new Date(Date.UTC(2027, 4, 5, 8));
      await journal.append("Test.Stray", [{ n: 1 }]);
      expect((await queries.listDayPartitions(db, 30)).map((p) => p.name)).not.toContain("events_r30_20270505");
      const { created } = await journal.maintain();
      now = new Date();
      expect(created).toContain("events_r30_20270505");
      expect((await journal.history("Test.Stray", { limit: 10 })).map((e) => e.payload.n)).toEqual([1]);
    });
  });
}

// Two connections are needed to have two transactions open at once: PostgreSQL only.
const pgUrl = process.env.TEST_DATABASE_URL;
describe.runIf(Boolean(pgUrl))("journal ordering on PostgreSQL", () => {
  let database: Database;
  let other: Database;
  let node: StartedNode;
  let journal: StartedJournal;
  const controller = new AbortController();
  beforeAll(async () => {
    database = await testDatabaseTargets().find((t) => t.name === "postgres")!.open();
    const url = new URL(database.location);
    url.password = new URL(pgUrl!).password;
    other = await openDatabase({ url: url.toString(), migrate: false });
    node = await startClusterNode({ database, clock: { now: () => new Date() }, log: quiet }, { tickMs: 200 });
    journal = await startJournal({ database, clock: { now: () => new Date() }, log: quiet, config: {} as never, ids: createIdSource(() => node.slot(), () => Date.now()), leases: node.leases }, controller.signal);
  });
  afterAll(async () => {
    controller.abort();
    await journal?.stop();
    await node?.stop();
    await other?.close();
    await database?.close();
  });

  it("an event whose transaction began first but commits last is still delivered after later ones were read", async () => {
    const ac = new AbortController();
    const subscription = journal.subscribe("Test.Late", { signal: ac.signal });
    await subscription.ready;
    const sub = subscription[Symbol.asyncIterator]();
    let releaseLate!: () => void;
    const lateHeld = new Promise<void>((r) => (releaseLate = r));
    let lateWritten!: () => void;
    const lateIn = new Promise<void>((r) => (lateWritten = r));
    // Transaction L appends first (its event id is lower) and stays open.
    const late = queries.inTransaction(other.db, async (tx) => {
      await queries.appendEvents(tx, "Test.Late", [{ keepDays: 30, at: new Date(), clientId: "server", payload: { n: "late" } }]);
      lateWritten();
      await lateHeld;
    });
    await lateIn;
    await journal.append("Test.Late", [{ n: "early" }]);
    // The early event is held back while L is open (an older transaction might still add one).
    const firstRead = sub.next();
    await new Promise((r) => setTimeout(r, 300));
    releaseLate();
    await late;
    const a = await within(firstRead, 10_000, "first");
    const b = await within(sub.next(), 10_000, "second");
    ac.abort();
    expect(new Set([a.value!.payload.n, b.value!.payload.n])).toEqual(new Set(["late", "early"]));
  });
});
