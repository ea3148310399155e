/**
 * chain() / combine() stream several queries in argument order (or concurrently with
 * async=TRUE); switch() streams only the first branch that yields a row. interleave() is also
 * what sequence() reads its queries with.
 */
import { END, type MaybePromise, type RowStream } from "../../values/query";
import { arg } from "../arg";
import { definePlugin } from "../define";
import { ConcatStream, PluginStream } from "../stream-base";
import type { BuiltinContext } from "../types";

export async function* interleave(streams: (() => AsyncIterable<unknown>)[], signal: AbortSignal): AsyncGenerator<unknown> {
  const queue: unknown[] = [];
  let wake: (() => void) | null = null;
  let active = streams.length;
  let failure: unknown = null;
  let stopped = false;
  const iters: AsyncIterator<unknown>[] = [];
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  for (const open of streams) {
    const it = open()[Symbol.asyncIterator]();
    iters.push(it);
    void (async () => {
      try {
        for (;;) {
          if (stopped) break;
          const r = await it.next();
          if (r.done) break;
          queue.push(r.value);
          notify();
        }
      } catch (e) {
        failure ??= e;
      } finally {
        active--;
        notify();
      }
    })();
  }
  // One abort listener for the whole run (one per wait would pile up on a long-running chain).
  signal.addEventListener("abort", notify, { once: true });
  try {
    for (;;) {
      while (queue.length) yield queue.shift();
      if (failure) throw failure;
      if (active === 0) break;
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal.removeEventListener("abort", notify);
    stopped = true;
    await Promise.all(iters.map((it) => it.return?.()));
  }
}

function chainRun(rest: [string, unknown][], isAsync: boolean | undefined, ctx: BuiltinContext) {
  if (isAsync) return interleave(rest.map(([, v]) => () => ctx.toQuery(v).rows()), ctx.signal);
  return new ConcatStream(rest.map(([, v]) => () => ctx.toQuery(v).stream()));
}

export const chainPlugin = definePlugin({
  name: "chain",
  category: "basic",
  doc: "Stream the rows of every argument in order (queries, lists or values; argument names are free).",
  args: { async: arg.bool().doc("Run the queries concurrently and interleave their rows.") },
  rest: arg.any().doc("A query (or list/value) whose rows are streamed."),
  run({ async }, ctx, rest) {
    return chainRun(rest, async, ctx);
  },
});

export const combinePlugin = definePlugin({
  name: "combine",
  category: "basic",
  doc: "Stream the rows of every argument concurrently (chain with async=TRUE).",
  args: {},
  rest: arg.any().doc("A query (or list/value) whose rows are streamed."),
  run(_args, ctx, rest) {
    return chainRun(rest, true, ctx);
  },
});

class SwitchStream extends PluginStream {
  private i = 0;
  private current: RowStream | null = null;
  private committed = false;
  private done = false;
  constructor(
    private readonly branches: unknown[],
    private readonly ctx: BuiltinContext,
  ) {
    super();
  }
  next(): MaybePromise<unknown> {
    for (;;) {
      if (this.done) return END;
      if (!this.current) {
        if (this.i >= this.branches.length) return END;
        this.current = this.ctx.toQuery(this.branches[this.i++]).stream();
      }
      const r = this.current.next();
      if (r instanceof Promise) {
        return r.then((x) => {
          const a = this.after(x);
          return a === CONTINUE ? this.next() : a;
        });
      }
      const a = this.after(r);
      if (a !== CONTINUE) return a;
    }
  }
  private after(x: unknown): unknown {
    if (x === END) {
      this.current = null;
      if (this.committed) {
        this.done = true;
        return END;
      }
      return CONTINUE;
    }
    this.committed = true;
    return x;
  }
  close(): MaybePromise<void> {
    this.done = true;
    return this.current?.close();
  }
}
const CONTINUE = Symbol("continue");

export const switchPlugin = definePlugin({
  name: "switch",
  category: "basic",
  doc: "Run the queries in argument order and stream the first one that yields at least one row.",
  args: {},
  rest: arg.any().doc("A branch query (argument names are free)."),
  run(_args, ctx, rest) {
    return new SwitchStream(rest.map(([, v]) => v), ctx);
  },
});
