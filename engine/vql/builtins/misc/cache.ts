/**
 * cache() and memoize(): results kept by key for `period` seconds, for the rest of the run.
 * cache() evaluates its lazy `func` once per key; memoize() runs a query once and gives a
 * dict-like lookup of its rows by the `key` column.
 */
import { VQL_MEMBER, getMember, MISSING } from "../../values/access";
import { toVqlString } from "../../values/stringify";
import { arg } from "../arg";
import { defineFunction } from "../define";
import type { BuiltinContext, QueryArg } from "../types";

interface Entry {
  value: unknown;
  expires: number;
}

export const cacheFunction = defineFunction({
  name: "cache",
  category: "basic",
  doc: "Evaluate `func` once per `key` and reuse the value for `period` seconds (per call site, for the rest of the run).",
  args: {
    func: arg.lazy().required().doc("The expression to evaluate and cache."),
    key: arg.string().required().doc("Cache key."),
    period: arg.int().default(60).doc("Seconds a value stays valid."),
  },
  async run({ func, key, period }, ctx) {
    const store = ctx.aggregate(() => new Map<string, Entry>()).value;
    const now = ctx.now();
    const hit = store.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = await ctx.materialize(await func.value());
    store.set(key, { value, expires: now + period * 1000 });
    return value;
  },
});

/** The value memoize() returns: rows of a query looked up by key, computed on first use. */
export class MemoTable {
  private rows: Map<string, unknown> | null = null;
  private loading: Promise<Map<string, unknown>> | null = null;
  private loadedAt = 0;
  constructor(
    private readonly query: QueryArg,
    private readonly key: string,
    private readonly periodMs: number,
    private readonly ctx: BuiltinContext,
  ) {}

  private load(): Promise<Map<string, unknown>> {
    const now = this.ctx.now();
    if (this.rows && now - this.loadedAt < this.periodMs) return Promise.resolve(this.rows);
    this.loading ??= (async () => {
      const m = new Map<string, unknown>();
      for await (const row of this.query.rows()) {
        const k = getMember(row, this.key);
        if (k !== MISSING && k !== null) m.set(toVqlString(k), row);
      }
      this.rows = m;
      this.loadedAt = this.ctx.now();
      this.loading = null;
      return m;
    })();
    return this.loading;
  }

  [VQL_MEMBER](name: string): Promise<unknown> {
    return this.load().then((m) => m.get(name) ?? null);
  }

  toJSON(): Record<string, never> {
    return {};
  }
}

export const memoizeFunction = defineFunction({
  name: "memoize",
  category: "basic",
  doc: "A lookup table over a query's rows by the `key` column: `get(item=M, field=K)` or `M.K` returns the row; the query runs once per `period` seconds.",
  args: {
    query: arg.query().required().doc("The rows to index."),
    key: arg.string().required().doc("Column whose (text) value is the lookup key."),
    period: arg.int().default(60).doc("Seconds before the query runs again."),
  },
  run({ query, key, period }, ctx) {
    return new MemoTable(query, key, period * 1000, ctx);
  },
});

