// Wake-ups for subscribers of stored queues in this process: every append statement
// notifies `talon_journal` with the queue name when the inserting transaction commits (on
// PostgreSQL from any process, on PGlite in-process); every subscriber of that queue then reads
// the table again. After the listen connection comes back, every subscriber reads again (a
// notification may have been missed while it was down).
import type { Database } from "@/drizzle";

export interface Waker {
  /** Resolves on the next wake-up of `queue`, after `ms`, or when `signal` aborts. */
  wait(queue: string, ms: number, signal: AbortSignal): { promise: Promise<void>; cancel(): void };
  stop(): Promise<void>;
}

export async function startWaker(database: Database): Promise<Waker> {
  const waiters = new Map<string, Set<() => void>>();
  const wake = (queue: string) => {
    const set = waiters.get(queue);
    if (!set) return;
    waiters.delete(queue);
    for (const w of set) w();
  };
  const wakeAll = () => [...waiters.keys()].forEach(wake);
  const unlisten = await database.listen("talon_journal", wake, wakeAll);

  return {
    wait(queue, ms, signal) {
      let done!: () => void;
      const promise = new Promise<void>((resolve) => (done = resolve));
      let set = waiters.get(queue);
      if (!set) waiters.set(queue, (set = new Set()));
      const timer = setTimeout(() => finish(), ms);
      const onAbort = () => finish();
      signal.addEventListener("abort", onAbort, { once: true });
      function finish() {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        waiters.get(queue)?.delete(finish);
        done();
      }
      set.add(finish);
      return { promise, cancel: finish };
    },
    stop: () => unlisten(),
  };
}
