// Builds the journal: stored queues (append, subscribe, durable consumers, history) over the
// partitioned events table, memory-only queues over NOTIFY, and partition upkeep. The only
// writer of the events table; other services call it, never the table.
import { setInterval as every } from "node:timers/promises";
import { queries } from "@/drizzle";
import type { Leases } from "@/engine/server/contracts";
import type { Journal, JournalEvent } from "@/engine/server/contracts";
import type { ServiceDeps } from "@/engine/server/contracts";
import { createCheckpoint, createConsumer } from "./consumer";
import { parseCursor, toEvent } from "./cursor";
import { startMemoryQueues } from "./memory";
import { clientIdProblem, DEFAULT_RETENTION_DAYS, MEMORY_ONLY_QUEUES, queueProblem } from "./queues";
import { maintainPartitions, prepareClasses } from "./retention";
import { subscribeStored } from "./subscribe";
import { startStatistics } from "./statistics";
import { startWaker } from "./waker";

export interface JournalDeps extends ServiceDeps {
  leases: Leases;
  /** Days events are kept: a default, and per queue (artifact name). 0 keeps them until deleted. */
  retention?: { defaultDays?: number; perQueue?: ReadonlyMap<string, number> };
  /** How often partitions are maintained (default hourly). */
  maintenanceMs?: number;
}

export interface StartedJournal extends Journal {
  stop(): Promise<void>;
}

export async function startJournal(deps: JournalDeps, signal: AbortSignal): Promise<StartedJournal> {
  const { database } = deps;
  const defaultDays = deps.retention?.defaultDays ?? DEFAULT_RETENTION_DAYS;
  const perQueue = deps.retention?.perQueue ?? new Map<string, number>();
  const classes = [...new Set([defaultDays, ...perQueue.values()])];
  await prepareClasses(database, classes, deps.clock.now());
  const waker = await startWaker(database);
  const memory = await startMemoryQueues(deps);
  const statistics = startStatistics(deps);

  function retentionDays(queue: string): number {
    return perQueue.get(queue) ?? perQueue.get(queue.split("/")[0]!) ?? defaultDays;
  }

  async function appendFor(queue: string, items: Array<{ clientId: string; row: Record<string, unknown> }>, opts: { tx?: typeof database.db } = {}): Promise<JournalEvent[]> {
    let bad = queueProblem(queue);
    for (const c of new Set(items.map((i) => i.clientId))) bad ??= clientIdProblem(c);
    if (bad) throw new Error(`journal append refused: ${bad}`);
    if (!items.length) return [];
    const at = deps.clock.now();
    const db = opts.tx ?? database.db;
    if (MEMORY_ONLY_QUEUES.has(queue)) return memory.append(db, queue, items, at);
    const keepDays = retentionDays(queue);
    const stored = await queries.appendEvents(db, queue, items.map((i) => ({ keepDays, at, clientId: i.clientId, payload: i.row })));
    statistics.appended(stored.length);
    return stored.map(toEvent);
  }

  const maintain = () => maintainPartitions(database, classes, deps.clock.now(), deps.log);
  void deps.leases.hold(
    "journal-maintenance",
    async (leaseSignal) => {
      await maintain().catch((err) => deps.log.error("event partition maintenance failed", { error: (err as Error).message }));
      for await (const _ of every(deps.maintenanceMs ?? 3_600_000, undefined, { signal: leaseSignal })) {
        await maintain().catch((err) => deps.log.error("event partition maintenance failed", { error: (err as Error).message }));
      }
    },
    signal,
  ).catch(() => {});

  return {
    append: (queue, rows, opts = {}) => appendFor(queue, rows.map((row) => ({ clientId: opts.clientId ?? "server", row })), { tx: opts.tx }),
    appendFor,
    subscribe(queue, opts) {
      const bad = queueProblem(queue);
      if (bad) throw new Error(`cannot subscribe: ${bad}`);
      const sig = AbortSignal.any([opts.signal, signal]);
      if (MEMORY_ONLY_QUEUES.has(queue)) return memory.subscribe(queue, { signal: sig, clientId: opts.clientId });
      return subscribeStored({ database, waker, log: deps.log }, queue, { ...opts, signal: sig });
    },
    consumer: (name, queue, o = {}) => createConsumer({ database, waker, clock: deps.clock, log: deps.log }, name, queue, o.initial ?? "now"),
    checkpoint: (name, queue, o = {}) => createCheckpoint({ database, waker, clock: deps.clock }, name, queue, o.initial ?? "now"),
    async history(queue, p) {
      const pos = p.after ? parseCursor(p.after.cursor) : undefined;
      const after = pos ? { tx: pos.tx, id: p.after!.id, at: p.after!.at } : undefined;
      const rows = await queries.listEventHistory(database.db, { queue, clientId: p.clientId, start: p.start, end: p.end, limit: Math.min(Math.max(p.limit, 1), 100_000), offset: p.offset, oldestFirst: p.oldestFirst, after });
      return rows.map(toEvent);
    },
    isStored: (queue) => !MEMORY_ONLY_QUEUES.has(queue),
    retentionDays,
    maintain,
    async stop() {
      await statistics.idle();
      await waker.stop().catch(() => {});
      await memory.stop().catch(() => {});
    },
  };
}
