/**
 * VQL values across a thread (or process) boundary: structured clone keeps plain objects,
 * arrays, Dates, Maps, Sets and typed arrays but drops class prototypes, so OrderedDict,
 * Timestamp and Bytes are written as tagged plain forms and rebuilt on the other side. Stored
 * queries and lazy values cannot cross and become NULL (as they do in JSON); functions too.
 * Rows move in batches whose key lists are shared (rows of one SELECT share one keys array).
 */
import { Bytes } from "./bytes";
import { OrderedDict, isPlainObject } from "./ordered-dict";
import { ProtoDict } from "./proto-dict";
import { LazyValue, QueryValue } from "./query";
import { Timestamp } from "./timestamp";

/** A value in its transferable form (only structured-cloneable data). */
export type Wire = unknown;

const MAX_DEPTH = 200;

/** The tagged forms; every object on the wire is one of these, a Date or a Uint8Array. */
type Tagged =
  | { t: "a"; v: Wire[] }
  | { t: "d"; k: readonly string[]; v: Wire[] }
  | { t: "p"; k: readonly string[]; v: Wire[] }
  | { t: "o"; k: string[]; v: Wire[] }
  | { t: "ts"; s: number; n: number }
  | { t: "b"; b: Uint8Array }
  | { t: "m"; e: Array<[Wire, Wire]> }
  | { t: "s"; v: Wire[] }
  | { t: "e"; m: string; n: string };

export function toWire(v: unknown, depth = 0): Wire {
  if (typeof v !== "object" || v === null) return typeof v === "function" || typeof v === "symbol" ? null : v;
  if (depth > MAX_DEPTH) return null;
  const d = depth + 1;
  if (v instanceof ProtoDict) return { t: "p", k: v.keys(), v: wireList(v.values(), d) } satisfies Tagged;
  if (v instanceof OrderedDict) return { t: "d", k: v.keys(), v: wireList(v.values(), d) } satisfies Tagged;
  if (Array.isArray(v)) return { t: "a", v: wireList(v, d) } satisfies Tagged;
  if (v instanceof Timestamp) return { t: "ts", s: v.sec, n: v.nsec } satisfies Tagged;
  if (v instanceof Bytes) return { t: "b", b: v.bytes } satisfies Tagged;
  if (v instanceof Date || v instanceof Uint8Array) return v;
  if (v instanceof QueryValue || v instanceof LazyValue) return null;
  if (v instanceof Map) return { t: "m", e: [...v].map(([k, x]) => [toWire(k, d), toWire(x, d)] as [Wire, Wire]) } satisfies Tagged;
  if (v instanceof Set) return { t: "s", v: wireList([...v], d) } satisfies Tagged;
  if (v instanceof Error) return { t: "e", m: v.message, n: v.name } satisfies Tagged;
  if (isPlainObject(v) || Object.getPrototypeOf(v) === null) {
    const k = Object.keys(v);
    const vs: Wire[] = new Array(k.length);
    for (let i = 0; i < k.length; i++) vs[i] = toWire((v as Record<string, unknown>)[k[i]!], d);
    return { t: "o", k, v: vs } satisfies Tagged;
  }
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  // A host value with an output form (ip(), url(), semver() results): that form, as JSON shows it.
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return toWire(toJSON.call(v), d);
  // Another class instance: its own enumerable fields, as a plain object.
  const k = Object.keys(v);
  return { t: "o", k, v: k.map((key) => toWire((v as Record<string, unknown>)[key], d)) } satisfies Tagged;
}

function wireList(list: readonly unknown[], depth: number): Wire[] {
  const out: Wire[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    out[i] = typeof x !== "object" || x === null ? (typeof x === "function" || typeof x === "symbol" ? null : x) : toWire(x, depth);
  }
  return out;
}

export function fromWire(w: Wire): unknown {
  if (typeof w !== "object" || w === null) return w;
  if (w instanceof Date || w instanceof Uint8Array) return w;
  const t = w as Tagged;
  switch (t.t) {
    case "d":
      return OrderedDict.fromShared(t.k as string[], unwireList(t.v));
    case "p": {
      const p = new ProtoDict();
      const vs = unwireList(t.v);
      for (let i = 0; i < t.k.length; i++) p.set(t.k[i]!, vs[i]);
      return p;
    }
    case "a":
      return unwireList(t.v);
    case "o": {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < t.k.length; i++) o[t.k[i]!] = fromWire(t.v[i]);
      return o;
    }
    case "ts":
      return new Timestamp(t.s, t.n);
    case "b":
      return new Bytes(t.b);
    case "m":
      return new Map(t.e.map(([k, x]) => [fromWire(k), fromWire(x)]));
    case "s":
      return new Set(unwireList(t.v));
    case "e": {
      const e = new Error(t.m);
      e.name = t.n;
      return e;
    }
  }
  return null;
}

function unwireList(list: Wire[]): unknown[] {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (typeof x === "object" && x !== null) list[i] = fromWire(x);
  }
  return list;
}

/**
 * A batch of rows, flat (structured clone pays per array: one array per row made a million-row
 * result cost seconds): every row's values one after the other in `values`, each row as long as
 * its keys array; `shape[i]` is row i's keys array in `keys`, absent when all rows share keys[0].
 */
export interface WireRows {
  keys: Array<readonly string[]>;
  shape?: Uint32Array;
  count: number;
  values: Wire[];
}

/** Rows (OrderedDicts or plain objects) as one batch; rows sharing a keys array share it on the wire. */
export function rowsToWire(rows: readonly unknown[]): WireRows {
  const keys: Array<readonly string[]> = [];
  const index = new Map<readonly string[], number>();
  const shape = new Uint32Array(rows.length);
  const values: Wire[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    let ks: readonly string[];
    let vs: readonly unknown[];
    if (r instanceof OrderedDict) {
      ks = r.keys();
      vs = r.values();
    } else if (r !== null && typeof r === "object" && !Array.isArray(r)) {
      ks = Object.keys(r);
      vs = ks.map((k) => (r as Record<string, unknown>)[k]);
    } else {
      ks = ["_value"];
      vs = [r];
    }
    let at = index.get(ks);
    if (at === undefined) {
      at = keys.length;
      keys.push(ks);
      index.set(ks, at);
    }
    shape[i] = at;
    for (let j = 0; j < vs.length; j++) {
      const x = vs[j];
      values.push(typeof x !== "object" || x === null ? (typeof x === "function" || typeof x === "symbol" ? null : x) : toWire(x, 1));
    }
  }
  return keys.length > 1 ? { keys, shape, count: rows.length, values } : { keys, count: rows.length, values };
}

/** The rows of a batch, as OrderedDicts (rows of one keys array share it, copy-on-write). */
export function rowsFromWire(w: WireRows): OrderedDict[] {
  const keys = w.keys as string[][];
  const out: OrderedDict[] = new Array(w.count);
  const vs = w.values;
  let at = 0;
  for (let i = 0; i < w.count; i++) {
    const ks = keys[w.shape ? w.shape[i]! : 0]!;
    const n = ks.length;
    const row: unknown[] = new Array(n);
    for (let j = 0; j < n; j++) {
      const x = vs[at++];
      row[j] = typeof x === "object" && x !== null ? fromWire(x) : x;
    }
    out[i] = OrderedDict.fromShared(ks, row);
  }
  return out;
}
