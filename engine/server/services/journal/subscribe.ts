// Subscriptions to stored queues: a loop that reads the table after its cursor in batches and
// waits for a wake-up when it has caught up. It holds no buffer of its own, so a slow reader
// only falls behind in the table (the writer never waits for it) and catches up from there.
// Events of a transaction that committed while an older one is still open are read once the
// older one ends (queries.readEventsAfter explains why); the loop looks again soon after.
import { setTimeout as sleep } from "node:timers/promises";
import { queries, type Database } from "@/drizzle";
import type { JournalSubscription, SubscribeFrom } from "@/engine/server/contracts";
import type { Logger } from "@/engine/server/contracts";
import { parseCursor, toEvent } from "./cursor";
import type { Waker } from "./waker";

const BATCH = 1000;
/** A subscriber with nothing to read looks again this often even without a wake-up. */
const POLL_MS = 5_000;

export async function startPosition(db: Database["db"], queue: string, from: SubscribeFrom | undefined): Promise<queries.JournalPosition> {
  if (from === undefined || from === "now") return queries.journalNow(db);
  if (from === "start") return queries.JOURNAL_START;
  if (from instanceof Date) return queries.positionAtTime(db, { queue, at: from });
  const p = parseCursor(from);
  if (!p) throw new Error(`\`${String(from).slice(0, 40)}\` is not a journal cursor`);
  return p;
}

export function subscribeStored(
  deps: { database: Database; waker: Waker; log: Logger },
  queue: string,
  opts: { from?: SubscribeFrom; signal: AbortSignal; clientId?: string },
): JournalSubscription {
  const { signal } = opts;
  const db = deps.database.db;
  // Resolved at the call, not at the first next(): "now" means when subscribe() was called.
  const start = startPosition(db, queue, opts.from);
  start.catch(() => {});
  return {
    ready: start.then(
      () => undefined,
      () => undefined,
    ),
    async *[Symbol.asyncIterator]() {
      let pos = await start;
      let retryMs = 10;
      let failures = 0;
      while (!signal.aborted) {
        // Registered before reading: a commit between the read and the wait still wakes us.
        const wait = deps.waker.wait(queue, POLL_MS, signal);
        let batch;
        try {
          batch = await queries.readEventsAfter(db, { queue, after: pos, limit: BATCH, clientId: opts.clientId });
          failures = 0;
        } catch (err) {
          wait.cancel();
          if (signal.aborted) return;
          // The database went away for a moment: read again from the same cursor, nothing lost.
          const pauseMs = Math.min(250 * 2 ** failures++, 30_000);
          deps.log.warn("journal subscriber could not read; retrying", { queue, inMs: pauseMs, error: (err as Error).message });
          await sleep(pauseMs, undefined, { signal }).catch(() => {});
          continue;
        }
        for (const e of batch.events) {
          if (signal.aborted) return wait.cancel();
          pos = queries.positionOf(e);
          yield toEvent(e);
        }
        if (batch.events.length === BATCH) {
          wait.cancel();
          continue;
        }
        pos = batch.caughtUpTo;
        if (batch.heldBack) {
          wait.cancel();
          await new Promise((r) => setTimeout(r, retryMs));
          retryMs = Math.min(retryMs * 2, 500);
          continue;
        }
        retryMs = 10;
        await wait.promise;
      }
    },
  };
}
