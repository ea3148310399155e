/**
 * fifo(): a window over the latest rows of a query (usually an event query) that keeps running
 * in the background for the rest of the run. The first call for a query starts it; every call
 * (the first included, which usually finds it empty) returns the rows the window holds then,
 * and ends. Calls that read the same query (one LET, or one `{...}` at one place) share the
 * window, as Velociraptor's root-scope cache keyed by the query does; the window's limits are
 * those of the call that started it.
 */
import { QueryValue } from "@/engine/vql/values/query";
import { abortable } from "../abortable";
import { arg } from "../arg";
import { definePlugin } from "../define";
import type { BuiltinContext, QueryArg } from "../types";

const WINDOWS = Symbol("fifo windows");

/** The rows of the window with the run-clock time each arrived, oldest first. */
export class FifoWindow {
  private entries: { row: unknown; at: number }[] = [];
  constructor(
    private readonly maxAgeMs: number,
    private readonly maxRows: number,
    private readonly now: () => number,
  ) {}

  push(row: unknown): void {
    this.entries.push({ row, at: this.now() });
    this.expire();
  }

  /** The rows held now (oldest first); `flush` empties the window after reading. */
  snapshot(flush: boolean): unknown[] {
    this.expire();
    const rows = this.entries.map((e) => e.row);
    if (flush) this.entries = [];
    return rows;
  }

  private expire(): void {
    const e = this.entries;
    let drop = Math.max(0, e.length - this.maxRows);
    const oldest = this.now() - this.maxAgeMs;
    while (drop < e.length && e[drop]!.at < oldest) drop++;
    if (drop) e.splice(0, drop);
  }
}

/** Feeds the window until the query ends or the run does (its signal aborts). */
function feed(window: FifoWindow, query: QueryArg, ctx: BuiltinContext): void {
  const signal = ctx.signal;
  void (async () => {
    try {
      for await (const row of abortable(query.rows(), signal)) window.push(row);
    } catch (e) {
      if (!signal.aborted) ctx.log("ERROR", `fifo: ${e instanceof Error ? e.message : String(e)}`);
    }
  })();
}

export const fifoPlugin = definePlugin({
  name: "fifo",
  category: "event",
  doc: "Return the latest rows of `query`, which the first call starts running in the background for the rest of the run; later calls reading the same query return the rows collected since (at most `max_rows`, none older than `max_age` seconds).",
  args: {
    query: arg.query().required().doc("The rows to collect (usually an event query)."),
    max_age: arg.float().default(5).min(0).doc("Seconds a row stays in the window (0 means 5)."),
    max_rows: arg.int().default(10).min(0).doc("Rows the window holds at most; older ones are dropped first (0 means 10)."),
    flush: arg.bool().default(false).doc("Empty the window after returning its rows."),
  },
  run({ query, max_age, max_rows, flush }, ctx) {
    if (ctx.signal.aborted) return [];
    const windows = ctx.runShared(WINDOWS, () => new Map<unknown, FifoWindow>());
    const key = query.value instanceof QueryValue ? query.value.cacheKey : query.value;
    let window = windows.get(key);
    if (!window) {
      ctx.log("DEBUG", `fifo: creating a window for ${query.value instanceof QueryValue ? query.value.describe() : "rows"}`);
      window = new FifoWindow((max_age || 5) * 1000, max_rows || 10, () => ctx.now());
      windows.set(key, window);
      feed(window, query, ctx);
    }
    return window.snapshot(flush);
  },
});
