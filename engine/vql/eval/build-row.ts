/**
 * The rows of a SELECT (REFERENCE §5.2, §5.3): the lazy row WHERE and GROUP BY see (aliases
 * computed on first use and kept for the output row), and the output row itself (columns in
 * order, `*` expanded, values materialised).
 */
import { OrderedDict, isPlainObject } from "../values/ordered-dict";
import { LazyValue, QueryValue, type MaybePromise } from "../values/query";
import { Timestamp } from "../values/timestamp";
import { Bytes } from "../values/bytes";
import type { Ev } from "./compile-context";
import { materialize } from "./materialize";
import type { LazyRowSource, Scope } from "./scope";

/** A column value not computed yet (in a row's alias cache). */
export const UNSET: unique symbol = Symbol("vql.unset");

export interface CompiledColumn {
  name: string;
  star: boolean;
  ev: Ev | null;
  /** No aggregate, LET or scope-reading calls: a value computed for WHERE/GROUP BY can be reused in a bin. */
  pure: boolean;
}

/** What the row builders need to know about a compiled SELECT. */
export interface RowShape {
  readonly columns: CompiledColumn[];
  readonly aliasNames: string[];
  /** Output keys when every column is an expression with a distinct name (rows share them). */
  readonly sharedKeys: string[] | null;
  /** The column list is just `*`. */
  readonly starOnly: boolean;
  /** One UNSET per column: `blank.slice()` is a fresh alias cache. */
  readonly blank: unknown[];
  /** Index of the column an alias names, or -1. */
  aliasAt(name: string): number;
}

/** The lazy row WHERE sees: alias values computed on first use and cached for the output row. */
export class LazyRow implements LazyRowSource {
  readonly cache: unknown[];
  constructor(
    private readonly q: RowShape,
    private readonly rowScope: Scope,
    cache: unknown[] | null,
  ) {
    this.cache = cache ?? q.blank.slice();
  }
  indexOf(name: string): number {
    return this.q.aliasAt(name);
  }
  valueAt(i: number): unknown {
    const c = this.cache;
    let v = c[i];
    if (v === UNSET) v = c[i] = this.q.columns[i]!.ev!(this.rowScope);
    return v;
  }
  names(): readonly string[] {
    return this.q.aliasNames;
  }
}

/** The value of column i through a row's alias cache (computing and caching it when UNSET). */
export function cachedColumn(q: RowShape, cache: unknown[], i: number, rowScope: Scope): unknown {
  let v = cache[i];
  if (v === UNSET) v = cache[i] = q.columns[i]!.ev!(rowScope);
  return v;
}

function finalize(v: unknown, s: Scope): unknown {
  return typeof v === "object" && v !== null ? materialize(v, s) : v;
}

function starMembers(raw: unknown): [readonly string[], readonly unknown[]] | null {
  if (raw instanceof OrderedDict) return [raw.keys(), raw.values()];
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return null;
  if (!isPlainObject(raw) && (raw instanceof Timestamp || raw instanceof Bytes || raw instanceof QueryValue || raw instanceof LazyValue)) {
    return null;
  }
  const ks = Object.keys(raw);
  return [ks, ks.map((k) => (raw as Record<string, unknown>)[k])];
}

/**
 * The output row of a SELECT whose columns are expressions with distinct names (no `*`, no
 * alias cache): the common shape, kept small so it inlines into the stream's loop.
 */
export function buildSharedRow(keys: string[], cols: CompiledColumn[], rowScope: Scope): MaybePromise<OrderedDict> {
  const n = cols.length;
  const vals = new Array<unknown>(n);
  let pending = false;
  for (let i = 0; i < n; i++) {
    let v = cols[i]!.ev!(rowScope);
    if (typeof v === "object" && v !== null) {
      v = v instanceof Promise ? v.then((x) => finalize(x, rowScope)) : finalize(v, rowScope);
      if (v instanceof Promise) pending = true;
    }
    vals[i] = v;
  }
  return pending ? Promise.all(vals).then((vs) => OrderedDict.fromShared(keys, vs)) : OrderedDict.fromShared(keys, vals);
}

/**
 * The column values of a grouped row with shared keys, in its bin's scope: pure columns reuse
 * the value computed for GROUP BY (`keyIndex`, `key`) or WHERE (`cache`); the others, aggregates
 * included, are evaluated in the bin's aggregate context. `into`: the array of the bin's
 * previous row, overwritten (nothing else references it), or null.
 */
export function binValues(
  cols: CompiledColumn[],
  rowScope: Scope,
  cache: unknown[] | null,
  keyIndex: number,
  key: unknown,
  into: unknown[] | null,
): MaybePromise<unknown[]> {
  const n = cols.length;
  const vals = into !== null ? into : new Array<unknown>(n);
  let pending = false;
  for (let i = 0; i < n; i++) {
    const c = cols[i]!;
    let v: unknown = UNSET;
    if (c.pure) {
      if (i === keyIndex) v = key;
      else if (cache !== null) v = cache[i];
    }
    if (v === UNSET) v = c.ev!(rowScope);
    if (typeof v === "object" && v !== null) {
      v = v instanceof Promise ? v.then((x) => finalize(x, rowScope)) : finalize(v, rowScope);
      if (v instanceof Promise) pending = true;
    }
    vals[i] = v;
  }
  return pending ? Promise.all(vals) : vals;
}

/**
 * Builds the output row of one plugin row (columns in order; `*` per §5.3). `cache` holds
 * values already computed for WHERE/GROUP BY (UNSET where not), `pureOnly` limits reuse to pure
 * columns (GROUP BY bins recompute aggregates in their own context).
 */
export function buildRow(q: RowShape, raw: unknown, rowScope: Scope, cache: unknown[] | null, pureOnly = false): MaybePromise<OrderedDict> {
  const cols = q.columns;
  const n = cols.length;
  if (q.starOnly && raw instanceof OrderedDict) return copyRow(raw, rowScope);
  if (q.sharedKeys !== null) {
    if (cache === null) return buildSharedRow(q.sharedKeys, cols, rowScope);
    const vals = new Array<unknown>(n);
    let pending = false;
    for (let i = 0; i < n; i++) {
      let v = !pureOnly || cols[i]!.pure ? cache[i] : UNSET;
      if (v === UNSET) v = cols[i]!.ev!(rowScope);
      if (typeof v === "object" && v !== null) {
        v = v instanceof Promise ? v.then((x) => finalize(x, rowScope)) : finalize(v, rowScope);
        if (v instanceof Promise) pending = true;
      }
      vals[i] = v;
    }
    const keys = q.sharedKeys;
    return pending ? Promise.all(vals).then((vs) => OrderedDict.fromShared(keys, vs)) : OrderedDict.fromShared(keys, vals);
  }
  const out = new OrderedDict();
  const pending: [string, Promise<unknown>][] = [];
  for (let i = 0; i < n; i++) {
    const c = cols[i]!;
    if (c.star) {
      const m = starMembers(raw);
      if (!m) continue;
      const [ks, vs] = m;
      for (let j = 0; j < ks.length; j++) if (!out.has(ks[j]!)) putValue(out, pending, ks[j]!, vs[j], rowScope);
      continue;
    }
    let v = cache !== null && (!pureOnly || c.pure) ? cache[i] : UNSET;
    if (v === UNSET) v = c.ev!(rowScope);
    putValue(out, pending, c.name, v, rowScope);
  }
  if (pending.length === 0) return out;
  return Promise.all(pending.map((x) => x[1])).then((vals) => {
    pending.forEach(([k, p], i) => {
      if (out.get(k) === p) out.replace(k, vals[i]);
    });
    return out;
  });
}

/** `SELECT *` of a dict row: a copy (values materialised) sharing the keys array. */
function copyRow(raw: OrderedDict, rowScope: Scope): MaybePromise<OrderedDict> {
  const vals = raw.values().slice();
  let pending = false;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    if (typeof v === "object" && v !== null) {
      const f = finalize(v, rowScope);
      if (f instanceof Promise) pending = true;
      vals[i] = f;
    }
  }
  const keys = raw.shareKeys();
  return pending ? Promise.all(vals).then((vs) => OrderedDict.fromShared(keys, vs)) : OrderedDict.fromShared(keys, vals);
}

function putValue(out: OrderedDict, pending: [string, Promise<unknown>][], k: string, v: unknown, rowScope: Scope): void {
  if (typeof v === "object" && v !== null) {
    v = v instanceof Promise ? v.then((x) => finalize(x, rowScope)) : finalize(v, rowScope);
    if (v instanceof Promise) pending.push([k, v]);
  }
  out.set(k, v);
}
