/**
 * foreach(): runs `query` once per row of `row` with the row's columns as variables (§7).
 * Sequential bodies stream as a maybe-sync RowStream; `workers > 1` (or `async=TRUE`) runs
 * bodies concurrently (output order then undefined) and honours break and abort.
 */
import { getMember, MISSING } from "../../values/access";
import { isDictLike, OrderedDict } from "../../values/ordered-dict";
import { END, type MaybePromise, type RowStream } from "../../values/query";
import { arg } from "../arg";
import { definePlugin } from "../define";
import { PluginStream } from "../stream-base";
import type { BuiltinContext, QueryArg } from "../types";

function varsOf(row: unknown): OrderedDict | Record<string, unknown> {
  return isDictLike(row) ? row : new OrderedDict();
}

/** The outer row after `column=` deconstruction; undefined = skip. */
function outerRow(row: unknown, column: string | undefined): unknown {
  if (column === undefined || column === "") return row;
  const v = getMember(row, column);
  return v === MISSING || v === null ? undefined : v;
}

class ForeachStream extends PluginStream {
  private outer: RowStream | null = null;
  private inner: RowStream | null = null;
  private done = false;
  /** Outer rows so far (the abort signal is checked every 1024). */
  private count = 0;

  constructor(
    private readonly rows: QueryArg,
    private readonly body: QueryArg | undefined,
    private readonly column: string | undefined,
    private readonly ctx: BuiltinContext,
  ) {
    super();
  }

  next(): MaybePromise<unknown> {
    if (this.done) return END;
    const outer = (this.outer ??= this.rows.stream());
    for (;;) {
      if (this.inner) {
        const r = this.inner.next();
        if (r instanceof Promise) return r.then((x) => this.onInner(x));
        if (r !== END) return r;
        this.inner = null;
        continue;
      }
      const o = outer.next();
      if (o instanceof Promise) return o.then((x) => this.onOuter(x));
      if (o === END) return this.finish();
      const res = this.openRow(o);
      if (res !== undefined) return res;
    }
  }

  private onInner(x: unknown): MaybePromise<unknown> {
    if (x !== END) return x;
    this.inner = null;
    return this.next();
  }

  private onOuter(x: unknown): MaybePromise<unknown> {
    if (x === END) return this.finish();
    const res = this.openRow(x);
    return res !== undefined ? res : this.next();
  }

  /** Returns a row to emit, or undefined after opening the body (or skipping). */
  private openRow(o: unknown): unknown {
    if ((++this.count & 1023) === 0) this.ctx.signal.throwIfAborted();
    const row = outerRow(o, this.column);
    if (row === undefined) return undefined;
    if (!this.body) return row;
    this.inner = this.body.stream(varsOf(row));
    return undefined;
  }

  private finish(): typeof END {
    this.done = true;
    return END;
  }

  close(): MaybePromise<void> {
    this.done = true;
    const a = this.inner?.close();
    const b = this.outer?.close();
    this.inner = null;
    if (a instanceof Promise || b instanceof Promise) return Promise.all([a, b]).then(() => undefined);
  }
}

async function* concurrent(rows: QueryArg, body: QueryArg, column: string | undefined, workers: number, ctx: BuiltinContext): AsyncGenerator<unknown> {
  const outer = rows.rows()[Symbol.asyncIterator]();
  const queue: unknown[] = [];
  let wake: (() => void) | null = null;
  let active = 0;
  let stopped = false;
  let failure: unknown = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const worker = async () => {
    active++;
    try {
      while (!stopped) {
        const o = await outer.next();
        if (o.done) break;
        const row = outerRow(o.value, column);
        if (row === undefined) continue;
        for await (const r of body.rows(varsOf(row))) {
          if (stopped) break;
          queue.push(r);
          notify();
        }
      }
    } catch (e) {
      failure ??= e;
    } finally {
      active--;
      notify();
    }
  };
  for (let i = 0; i < workers; i++) void worker();
  try {
    for (;;) {
      while (queue.length) yield queue.shift();
      if (failure) throw failure;
      if (active === 0) {
        if (queue.length === 0) break;
        continue;
      }
      ctx.signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        wake = resolve;
        ctx.signal.addEventListener("abort", () => resolve(), { once: true });
      });
    }
  } finally {
    stopped = true;
    await outer.return?.();
  }
}

export const foreachPlugin = definePlugin({
  name: "foreach",
  category: "basic",
  doc: "Run `query` once for each row of `row`, with the row's columns as variables; without `query` the rows themselves are emitted.",
  args: {
    row: arg.query().required().doc("Rows to iterate: a query, a list (dicts are rows, scalars become `{_value}`), a dict or a scalar."),
    query: arg.query().doc("Query (or value) run per row in a scope holding the row's columns."),
    column: arg.string().doc("Replace each row by the dict in this column before running the query."),
    workers: arg.int().min(0).doc("Run up to this many bodies concurrently (output order is then undefined)."),
    async: arg.bool().doc("Run bodies concurrently (100 workers)."),
  },
  run({ row, query, column, workers, async }, ctx) {
    const n = async ? 100 : (workers ?? 1);
    if (query && n > 1) return concurrent(row, query, column, n, ctx);
    return new ForeachStream(row, query, column, ctx);
  },
});
