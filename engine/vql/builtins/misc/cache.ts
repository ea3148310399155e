/**
 * cache() and memoize(), after Velociraptor's vql/tools/lru/{cache,memoize}.go. cache() keeps
 * values by key in an LRU (`max_size` entries, default 10000) whose entries expire `period`
 * seconds after they were last read or written; the cache is named (`name`; the unnamed calls of
 * a run share one) and made by its first call, whose `lambda`, `period` and `max_size` it keeps.
 * memoize() runs a query once per `period` and gives a dict-like lookup of its rows by the `key`
 * column. Both last for the current run; `filename` (Velociraptor's on-disk LRU) is accepted and
 * the cache is kept in memory (docs/vql-differences.md).
 */
import { VQL_MEMBER, getMember, MISSING } from "../../values/access";
import { QueryValue } from "../../values/query";
import { toVqlString } from "../../values/stringify";
import { arg } from "../arg";
import { defineFunction } from "../define";
import type { BuiltinContext, QueryArg } from "../types";

/** The name Velociraptor files unnamed caches under (CACHE_KEY). */
const UNNAMED = "$cache_key";

interface Entry {
  value: unknown;
  expires: number;
}

/** A run's cache: an LRU by key text with per-entry expiry refreshed on access. */
class LruCache {
  private readonly entries = new Map<string, Entry>();
  /** Values being computed: a second call for the key waits for the first (columns of a row may be evaluated concurrently). */
  readonly pending = new Map<string, Promise<unknown>>();
  constructor(
    readonly lambda: string | undefined,
    private readonly periodMs: number,
    private readonly maxSize: number,
  ) {}

  get(key: string, now: number): { value: unknown } | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.expires <= now) return undefined;
    e.expires = now + this.periodMs;
    this.entries.set(key, e);
    return { value: e.value };
  }

  set(key: string, value: unknown, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now + this.periodMs });
    while (this.entries.size > this.maxSize) this.entries.delete(this.entries.keys().next().value!);
  }
}

export const cacheFunction = defineFunction({
  name: "cache",
  category: "basic",
  impure: true,
  doc: "A value per `key`, computed once by `lambda` (called with the key) or `func` and reused for `period` seconds after its last use; caches are shared by `name` across the run (the first call's `lambda`, `period` and `max_size` make the cache). Without `key` the call only creates the cache (NULL). NULL results are not kept.",
  args: {
    func: arg.lazy().doc("An expression to evaluate (deprecated in Velociraptor: use `lambda`)."),
    lambda: arg.string().doc("A lambda called with the key, e.g. `x => x + 1`."),
    name: arg.string().doc("The run-wide name of this cache (needed when there is more than one)."),
    key: arg.any().doc("Cache key (compared as text)."),
    period: arg.int().doc("Seconds an entry lives after its last use (default 60)."),
    filename: arg.string().doc("Velociraptor's persistent on-disk cache; accepted, the cache is kept in memory for the run."),
    max_size: arg.int().min(0).doc("Most entries kept (default 10000); the least recently used go first."),
  },
  async run({ func, lambda, name, key, period, filename, max_size }, ctx) {
    void filename;
    const caches = ctx.runShared("cache() caches", () => new Map<string, LruCache>());
    const cacheName = name || UNNAMED;
    let cache = caches.get(cacheName);
    if (!cache) {
      if (!func && !lambda) {
        ctx.log("ERROR", "cache: One of `func` or `lambda` is required");
        return null;
      }
      cache = new LruCache(lambda, (period || 60) * 1000, max_size || 10000);
      caches.set(cacheName, cache);
    }
    if (key === undefined || key === null) return null;
    const keyValue = await ctx.materialize(key);
    const k = toVqlString(keyValue);
    const hit = cache.get(k, ctx.now());
    if (hit) return hit.value;
    const inFlight = cache.pending.get(k);
    if (inFlight) {
      await inFlight.catch(() => undefined);
      const after = cache.get(k, ctx.now());
      if (after) return after.value;
    }
    if (cache.lambda === undefined && !func) {
      ctx.log("ERROR", "cache: Use lambda to cache the function");
      return null;
    }
    const lru = cache;
    const compute = (async () => {
      const value = lru.lambda !== undefined ? await ctx.materialize(await ctx.evalLambda(lru.lambda, [keyValue])) : await ctx.materialize(await func!.value());
      if (value !== null && value !== undefined) lru.set(k, value, ctx.now());
      return value ?? null;
    })();
    cache.pending.set(k, compute);
    try {
      return await compute;
    } finally {
      if (cache.pending.get(k) === compute) cache.pending.delete(k);
    }
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
    private readonly name: string,
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
      // Velociraptor logs each fill (vql/tools/lru/memoize.go materialize).
      this.ctx.log("INFO", `memoize ${this.name}: Filled cache with ${m.size} rows`);
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
  doc: "A lookup table over a query's rows by the `key` column: `get(item=M, field=K)` or `M.K` returns the row; the query runs once per `period` seconds (each fill is logged under `name`).",
  args: {
    query: arg.query().required().doc("The rows to index."),
    key: arg.string().required().doc("Column whose (text) value is the lookup key."),
    period: arg.int().doc("Seconds before the query runs again (default 60)."),
    name: arg.string().doc("The name the fills are logged under (default: the query's text)."),
    filename: arg.string().doc("Velociraptor's persistent on-disk cache; accepted, the table is kept in memory for the run."),
  },
  run({ query, key, period, name }, ctx) {
    const label = name || (query.value instanceof QueryValue ? query.value.describe() : "") || "memoize";
    return new MemoTable(query, key, (period || 60) * 1000, label, ctx);
  },
});
