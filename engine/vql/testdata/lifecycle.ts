// Test support for STYLE §6's lifecycle checks of builtins (the tables of the agent's, the
// server's and the event plugins use it): wrap producers to record that their finally ran, and
// count what the process holds open (Node's active resources and file descriptors) before and
// after a query.
import { readdirSync } from "node:fs";
import { END, ROW_STREAM, type Builtin, type MaybePromise, type RowStream } from "../index";

/** A plugin's RowStream result (eventStream(), range()...) that calls `done` once it ends or is closed. */
function trackedStream(s: RowStream, done: () => void): RowStream {
  const atEnd = (x: unknown) => (x === END && done(), x);
  return {
    [ROW_STREAM]: true,
    next(): MaybePromise<unknown> {
      const r = s.next();
      return r instanceof Promise ? r.then(atEnd, (e: unknown) => (done(), Promise.reject(e))) : atEnd(r);
    },
    close(): MaybePromise<void> {
      const c = s.close();
      if (c instanceof Promise) return c.finally(done);
      done();
    },
  } as RowStream;
}

/**
 * Wraps builtins so `finished` records each producer's finally (or a function call settling);
 * a plugin that returns a RowStream counts as finished once it ends or is closed.
 */
export function lifecycleTracker() {
  const finished = new Set<string>();
  function tracked(b: Builtin): Builtin {
    if (b.kind === "plugin") {
      const run = b.run;
      return {
        ...b,
        run: (args: never, ctx: never, rest: never) => {
          const out = run(args, ctx, rest);
          if ((out as Partial<RowStream> & { [ROW_STREAM]?: boolean })[ROW_STREAM] === true) {
            return trackedStream(out as RowStream, () => finished.add(b.name));
          }
          return (async function* () {
            try {
              yield* out as AsyncIterable<unknown>;
            } finally {
              finished.add(b.name);
            }
          })();
        },
      } as Builtin;
    }
    const run = b.run;
    return { ...b, run: (args: never, ctx: never, rest: never) => Promise.resolve(run(args, ctx, rest)).finally(() => finished.add(b.name)) } as Builtin;
  }
  return { finished, tracked };
}

/** Open handles by kind, plus open file descriptors. */
export function openResources(): Record<string, number> {
  const counts: Record<string, number> = { fds: readdirSync("/proc/self/fd").length };
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

function beyond(before: Record<string, number>): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const [k, n] of Object.entries(openResources())) if (n > (before[k] ?? 0)) extra[k] = n - (before[k] ?? 0);
  return extra;
}

// The evaluator closes a stream that is inside an await with a 1 s (unref'd) grace timer, so
// handles may take up to that long to go.
const SETTLE_MS = 1500;

/** What is still open beyond `before` once it had SETTLE_MS to close (an earlier handle that has gone is no leak). */
export async function leftOpen(before: Record<string, number>): Promise<Record<string, number>> {
  let extra = beyond(before);
  for (let waited = 0; waited < SETTLE_MS && Object.keys(extra).length; waited += 25) {
    await new Promise((r) => setTimeout(r, 25));
    extra = beyond(before);
  }
  return extra;
}
