/**
 * Materialisation: forcing lazy values and expanding stored queries into lists of rows, deeply
 * (inside lists and dicts), and the simplification of `{ SELECT }` column values (§5.10).
 */
import { LazyValue, QueryValue, type MaybePromise } from "../values/query";
import { OrderedDict, isPlainObject } from "../values/ordered-dict";
import { collectStream } from "./stream";
import type { Scope } from "./scope";

function needsWork(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v instanceof QueryValue || v instanceof LazyValue || Array.isArray(v) || v instanceof OrderedDict || isPlainObject(v));
}

/** Runs a query to completion in `scope` and materialises its rows. */
export function materializeQuery(q: QueryValue, scope: Scope): MaybePromise<unknown[]> {
  const l = scope.run.limits;
  const rows = collectStream(q.open(scope), scope.run, Infinity, { what: "a stored query materialised as a value", maxRows: l.maxLetRows, maxBytes: l.maxLetBytes });
  return rows instanceof Promise ? rows.then((r) => materializeRows(r, scope)) : materializeRows(rows, scope);
}

function materializeRows(list: unknown[], scope: Scope): MaybePromise<unknown[]> {
  let pending = false;
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (needsWork(x)) {
      const m = materialize(x, scope);
      if (m instanceof Promise) pending = true;
      list[i] = m;
    }
  }
  return pending ? Promise.all(list) : list;
}

/** Deep materialisation. Returns the same object when nothing inside needed work. */
export function materialize(v: unknown, scope: Scope): MaybePromise<unknown> {
  if (typeof v !== "object" || v === null) return v;
  if (v instanceof QueryValue) return materializeQuery(v, scope);
  if (v instanceof LazyValue) {
    const f = v.force();
    return f instanceof Promise ? f.then((x) => materialize(x, scope)) : materialize(f, scope);
  }
  if (Array.isArray(v)) return materializeList(v, scope);
  if (v instanceof OrderedDict) {
    const vs = v.values();
    let copy: unknown[] | null = null;
    let pending = false;
    for (let i = 0; i < vs.length; i++) {
      if (!needsWork(vs[i])) continue;
      const m = materialize(vs[i], scope);
      if (m === vs[i]) continue;
      copy ??= vs.slice();
      copy[i] = m;
      if (m instanceof Promise) pending = true;
    }
    if (!copy) return v;
    const keys = v.shareKeys();
    return pending ? Promise.all(copy).then((vals) => OrderedDict.fromShared(keys, vals)) : OrderedDict.fromShared(keys, copy);
  }
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (!keys.some((k) => needsWork(v[k]))) return v;
    return materialize(OrderedDict.fromObject(v), scope);
  }
  return v;
}

function materializeList(v: unknown[], scope: Scope): MaybePromise<unknown> {
  let copy: unknown[] | null = null;
  let pending = false;
  for (let i = 0; i < v.length; i++) {
    if (!needsWork(v[i])) continue;
    const m = materialize(v[i], scope);
    if (m === v[i]) continue;
    copy ??= v.slice();
    copy[i] = m;
    if (m instanceof Promise) pending = true;
  }
  if (!copy) return v;
  return pending ? Promise.all(copy) : copy;
}

/** `{ SELECT }` as a column: 0 rows NULL, 1 row with 1 column its value, ... (§5.10). */
export function simplifyRows(rows: unknown[]): unknown {
  if (rows.length === 0) return null;
  if (rows.length === 1) return singleValue(rows[0]);
  return rows.map(singleValue);
}

/** A row with exactly one member contributes its value; other rows stay rows. */
function singleValue(r: unknown): unknown {
  if (r instanceof OrderedDict && r.size === 1) return r.values()[0];
  if (isPlainObject(r)) {
    const ks = Object.keys(r);
    if (ks.length === 1) return r[ks[0]!];
  }
  return r;
}
