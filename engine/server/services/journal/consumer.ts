// Durable consumers: a named cursor in journal_consumers. Each batch runs in one transaction
// that locks the cursor row, reads the events after it, runs the handler with the transaction
// and moves the cursor past the batch; a failed handler rolls all of it back and the batch is
// tried again after a pause (doubling to 30 s). A consumer that is killed resumes after the
// last batch that committed: at least once for side effects outside the database, exactly once
// for what the handler writes through `tx`.
import { setTimeout as sleep } from "node:timers/promises";
import { queries, type Database } from "@/drizzle";
import type { JournalCheckpoint, JournalConsumer, JournalEvent } from "@/engine/server/contracts";
import type { Clock, Logger } from "@/engine/server/contracts";
import { parseCursor, toEvent } from "./cursor";
import type { Waker } from "./waker";

const POLL_MS = 5_000;

export function createConsumer(
  deps: { database: Database; waker: Waker; clock: Clock; log: Logger },
  name: string,
  queue: string,
  initial: "now" | "start",
): JournalConsumer {
  const db = deps.database.db;
  return {
    name,
    queue,
    async run(handler, opts) {
      const { signal } = opts;
      const batchSize = opts.batchSize ?? 500;
      let failures = 0;
      let exists = false;
      while (!signal.aborted) {
        const wait = deps.waker.wait(queue, POLL_MS, signal);
        let handled = 0;
        let heldBack = false;
        let afterCommit: (() => void) | undefined;
        try {
          handled = await queries.inTransaction(db, async (tx) => {
            // Where a new consumer starts; only read until its cursor row exists.
            const start = initial === "start" || exists ? queries.JOURNAL_START : await queries.journalNow(tx);
            const pos = await queries.lockConsumer(tx, { name, queue, initial: start });
            exists = true;
            const batch = await queries.readEventsAfter(tx, { queue, after: pos, limit: batchSize });
            heldBack = batch.heldBack;
            if (!batch.events.length) return 0;
            const events: JournalEvent[] = batch.events.map(toEvent);
            afterCommit = (await handler(events, tx)) ?? undefined;
            await queries.advanceConsumer(tx, { name, to: queries.positionOf(batch.events[batch.events.length - 1]!), handled: events.length, at: deps.clock.now() });
            return events.length;
          });
          failures = 0;
          if (afterCommit) {
            try {
              afterCommit();
            } catch (err) {
              deps.log.warn("journal consumer's after-commit step failed", { consumer: name, error: (err as Error).message });
            }
          }
        } catch (err) {
          wait.cancel();
          if (signal.aborted) return;
          failures++;
          const pauseMs = Math.min(1000 * 2 ** (failures - 1), 30_000);
          deps.log.error("journal consumer failed; retrying the batch", { consumer: name, queue, attempt: failures, error: (err as Error).message });
          await sleep(pauseMs, undefined, { signal }).catch(() => {});
          continue;
        }
        if (handled === batchSize) wait.cancel();
        else if (heldBack) {
          wait.cancel();
          await new Promise((r) => setTimeout(r, 50));
        } else await wait.promise;
      }
    },
  };
}

/**
 * A checkpoint: a named cursor (in journal_consumers, like a consumer's) that its user moves
 * after handling events outside any transaction (delivering them to the outside world), so no
 * database connection is held while a webhook answers. next() goes on after the last event it
 * returned; commit() stores how far the user got, where the next run resumes. At least once: a
 * crash between a delivery and its commit delivers that event again. One runner per name at a
 * time (server event queries run on the process holding their lease).
 */
export function createCheckpoint(
  deps: { database: Database; waker: Waker; clock: Clock },
  name: string,
  queue: string,
  initial: "now" | "start",
): JournalCheckpoint {
  const db = deps.database.db;
  let pos: queries.JournalPosition | undefined;
  return {
    name,
    queue,
    async next({ limit, signal }) {
      while (!signal.aborted) {
        const wait = deps.waker.wait(queue, POLL_MS, signal);
        const batch = await queries.inTransaction(db, async (tx) => {
          if (!pos) {
            const start = initial === "start" ? queries.JOURNAL_START : await queries.journalNow(tx);
            const stored = await queries.lockConsumer(tx, { name, queue, initial: start });
            pos = { tx: stored.tx, id: stored.id };
          }
          return queries.readEventsAfter(tx, { queue, after: pos, limit });
        });
        if (batch.events.length) {
          wait.cancel();
          pos = queries.positionOf(batch.events[batch.events.length - 1]!);
          return batch.events.map(toEvent);
        }
        if (batch.heldBack) {
          wait.cancel();
          await new Promise((r) => setTimeout(r, 50));
        } else await wait.promise;
      }
      return [];
    },
    async commit(event) {
      const to = parseCursor(event.cursor);
      if (!to) throw new Error(`not a journal cursor: ${event.cursor}`);
      await queries.advanceConsumer(db, { name, to, handled: 1, at: deps.clock.now() });
    },
  };
}
