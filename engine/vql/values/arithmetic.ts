/**
 * Arithmetic protocols (REFERENCE §6.2): + - * / over materialised values. Type mismatches and
 * division by zero give NULL (null), never an exception.
 */
import { hostOp, VQL_ADD } from "./host-ops";
import { concatByteStrings, isByteString, bytesOf, fromBytes } from "./bytes";
import { checkListLength, checkStringLength, valueLimits } from "./limits";
import { OrderedDict, dictKeys, isDictLike, toOrderedDict, dictGet } from "./ordered-dict";

const SAFE = Number.MAX_SAFE_INTEGER;

function byteLength(v: unknown): number {
  return typeof v === "string" ? v.length : bytesOf(v as Parameters<typeof bytesOf>[0]).length;
}

/** Wraps an exact integer result to int64 when it left the exactly representable range. */
function wrapInt(r: number, a: number, b: number, op: "+" | "-" | "*"): number {
  if (r <= SAFE && r >= -SAFE) return r;
  if (!Number.isInteger(a) || !Number.isInteger(b)) return r;
  const x = BigInt(a);
  const y = BigInt(b);
  const exact = op === "+" ? x + y : op === "-" ? x - y : x * y;
  return Number(BigInt.asIntN(64, exact));
}

function numOrBool(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

export function add(a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") {
    const r = a + b;
    return r > SAFE || r < -SAFE ? wrapInt(r, a, b, "+") : r;
  }
  if (typeof a === "string" && typeof b === "string") {
    if (a.length + b.length > valueLimits().maxStringLength) checkStringLength(a.length + b.length, "`+`");
    return a + b;
  }
  if (a === null || a === undefined) return null;
  const hostAdd = hostOp<(b: unknown) => unknown>(a, VQL_ADD);
  if (hostAdd) {
    const r = hostAdd(b);
    if (r !== undefined) return r;
  }
  if (Array.isArray(a)) {
    checkListLength(a.length + (Array.isArray(b) ? b.length : 1), "`+`");
    return Array.isArray(b) ? a.concat(b) : [...a, b ?? null];
  }
  if (Array.isArray(b)) {
    checkListLength(b.length + 1, "`+`");
    return [a, ...b];
  }
  if (isByteString(a) && isByteString(b)) {
    checkStringLength(byteLength(a) + byteLength(b), "`+`");
    return concatByteStrings(a, b);
  }
  if (isDictLike(a) && isDictLike(b)) {
    const out = toOrderedDict(a).copy();
    for (const k of dictKeys(b)) out.replace(k, dictGet(b, k));
    return out;
  }
  return null;
}

export function subtract(a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") {
    const r = a - b;
    return r > SAFE || r < -SAFE ? wrapInt(r, a, b, "-") : r;
  }
  const x = numOrBool(a);
  const y = numOrBool(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (isDictLike(a) && isDictLike(b)) {
    const out = new OrderedDict();
    const right = toOrderedDict(b);
    for (const k of dictKeys(a)) if (!right.has(k)) out.set(k, dictGet(a, k));
    return out;
  }
  return null;
}

export function multiply(a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") {
    const r = a * b;
    return r > SAFE || r < -SAFE ? wrapInt(r, a, b, "*") : r;
  }
  if (isByteString(a) && typeof b === "number") {
    if (!Number.isInteger(b) || b < 0) return null;
    checkStringLength(byteLength(a) * b, "`*`");
    if (typeof a === "string") return a.repeat(b);
    const src = bytesOf(a);
    const out = new Uint8Array(src.length * b);
    for (let i = 0; i < b; i++) out.set(src, i * src.length);
    return fromBytes(out);
  }
  const x = numOrBool(a);
  const y = numOrBool(b);
  if (x !== undefined && y !== undefined) return x * y;
  if (isDictLike(a) && isDictLike(b)) {
    const out = new OrderedDict();
    const right = toOrderedDict(b);
    for (const k of dictKeys(a)) if (right.has(k)) out.set(k, dictGet(a, k));
    return out;
  }
  return null;
}

export function divide(a: unknown, b: unknown): unknown {
  const x = numOrBool(a);
  const y = numOrBool(b);
  if (x === undefined || y === undefined || y === 0) return null;
  return x / y;
}

/** Unary negation of a negated symbol (`-X`): flips bools, negates numbers, else NULL. */
export function negate(v: unknown): unknown {
  if (typeof v === "number") return v === 0 ? 0 : -v;
  if (typeof v === "boolean") return !v;
  return null;
}

