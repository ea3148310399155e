/**
 * Member access, indexing and slicing (REFERENCE §6.8) on materialised values. Stored queries
 * are projected by the evaluator (it must run them). Missing members return MISSING so callers
 * can tell absent from NULL (array projection skips absent members).
 */
import { Bytes, fromBytes, isAscii, bytesOf } from "./bytes";
import { OrderedDict, isPlainObject, dictKeys, dictGet, isDictLike } from "./ordered-dict";
import { toJsonText } from "./json";
import { Timestamp, timestampMember } from "./timestamp";
import { hostOp, VQL_INDEX, VQL_SLICE } from "./host-ops";

export const MISSING: unique symbol = Symbol("vql.missing");

/**
 * Host objects may implement `[VQL_MEMBER](name)` to resolve `x.name` themselves (return
 * undefined for "no such member"; a Promise is allowed).
 */
export const VQL_MEMBER: unique symbol = Symbol.for("vql.member");

function pseudoMember(d: OrderedDict | Record<string, unknown>, name: string): unknown {
  const keys = dictKeys(d);
  switch (name) {
    case "@Keys":
      return keys.slice();
    case "@Values":
      return keys.map((k) => dictGet(d, k));
    case "@Items":
      return keys.map((k) => new OrderedDict([["Key", k], ["Value", dictGet(d, k)]]));
    case "@Len":
      return keys.length;
    case "@String":
      return toJsonText(d);
    case "@ToMap":
      return d instanceof OrderedDict ? d : OrderedDict.fromObject(d);
  }
  return MISSING;
}

/** A member of a host object's own class chain (Object.prototype's methods are not members). */
function hostHas(v: object, name: string): boolean {
  for (let o: object | null = v; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.hasOwn(o, name)) return true;
  }
  return false;
}

/** `v.name`: the member's value, or MISSING when v has no such member. */
export function getMember(v: unknown, name: string): unknown {
  if (v === null || v === undefined) return MISSING;
  if (typeof v !== "object") return MISSING;
  if (v instanceof OrderedDict) {
    const x = v.get(name);
    if (x !== undefined) return x;
    return name.charCodeAt(0) === 64 /* @ */ ? pseudoMember(v, name) : MISSING;
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const x = getMember(item, name);
      if (x !== MISSING) out.push(x);
    }
    return out;
  }
  if (isPlainObject(v)) {
    if (Object.hasOwn(v, name)) return v[name] ?? null;
    return name.charCodeAt(0) === 64 ? pseudoMember(v, name) : MISSING;
  }
  if (v instanceof Timestamp) {
    const x = timestampMember(v, name);
    return x === undefined ? MISSING : x;
  }
  if (v instanceof Map) return v.has(name) ? v.get(name) ?? null : MISSING;
  if (v instanceof Bytes) return MISSING;
  const custom = (v as { [VQL_MEMBER]?: (n: string) => unknown })[VQL_MEMBER];
  if (typeof custom === "function") {
    const x = custom.call(v, name);
    return x === undefined ? MISSING : x;
  }
  if (hostHas(v, name)) {
    const x = (v as Record<string, unknown>)[name];
    if (typeof x === "function") return x.length === 0 ? ((x as () => unknown).call(v) ?? null) : MISSING;
    return x ?? null;
  }
  return MISSING;
}

/** `v[i]` (REFERENCE §6.8, Velociraptor's wrap-around for lists). */
export function getIndex(v: unknown, i: unknown): unknown {
  if (v === null || v === undefined || i === null || i === undefined) return null;
  if (Array.isArray(v)) {
    if (typeof i !== "number" || !Number.isInteger(i) || v.length === 0) return null;
    const n = v.length;
    return v[((i % n) + n) % n] ?? null;
  }
  if (typeof v === "string" || v instanceof Bytes) {
    if (typeof i !== "number" || !Number.isInteger(i)) return null;
    if (typeof v === "string" && isAscii(v)) {
      const j = i < 0 ? v.length + i : i;
      return j >= 0 && j < v.length ? v.charCodeAt(j) : null;
    }
    const b = bytesOf(v);
    const j = i < 0 ? b.length + i : i;
    return j >= 0 && j < b.length ? b[j]! : null;
  }
  if (isDictLike(v)) {
    const key = typeof i === "string" ? i : typeof i === "number" ? String(i) : null;
    if (key === null) return null;
    return dictGet(v, key) ?? null;
  }
  const hostIndex = hostOp<(i: unknown) => unknown>(v, VQL_INDEX);
  if (hostIndex) {
    const r = hostIndex(i);
    if (r !== undefined) return r;
  }
  if (typeof i === "string") {
    const x = getMember(v, i);
    return x === MISSING ? null : x;
  }
  return null;
}

function bound(x: unknown, n: number, dflt: number): number | null {
  if (x === undefined) return dflt;
  if (typeof x !== "number" || !Number.isInteger(x)) return null;
  const j = x < 0 ? n + x : x;
  return Math.max(0, Math.min(n, j));
}

/** `v[a:b]` with Python-like bounds; omitted bounds are undefined. NULL for bad bounds. */
export function getSlice(v: unknown, a: unknown, b: unknown): unknown {
  if (Array.isArray(v)) {
    const s = bound(a, v.length, 0);
    const e = bound(b, v.length, v.length);
    if (s === null || e === null) return null;
    return e <= s ? [] : v.slice(s, e);
  }
  if (typeof v === "string" && isAscii(v)) {
    const s = bound(a, v.length, 0);
    const e = bound(b, v.length, v.length);
    if (s === null || e === null) return null;
    return e <= s ? "" : v.slice(s, e);
  }
  if (typeof v === "string" || v instanceof Bytes) {
    const bytes = bytesOf(v);
    const s = bound(a, bytes.length, 0);
    const e = bound(b, bytes.length, bytes.length);
    if (s === null || e === null) return null;
    return e <= s ? "" : fromBytes(bytes.subarray(s, e));
  }
  const hostSlice = hostOp<(a: unknown, b: unknown) => unknown>(v, VQL_SLICE);
  if (hostSlice) return hostSlice(a, b) ?? null;
  return null;
}
