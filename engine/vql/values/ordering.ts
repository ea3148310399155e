/**
 * Ordering protocols (REFERENCE §6.4): `<` and `>` are separate, deliberately asymmetric
 * protocols (bools count as 0/1 only for `<`; a string left of a number is both < and >; there
 * is no dict or array `>`). `<=`/`>=` are built by the evaluator as `lt || eq`, `gt || eq`.
 */
import { Bytes, compareByteStrings } from "./bytes";
import { dictKeys, isDictLike } from "./ordered-dict";
import { Timestamp } from "./timestamp";
import { parseDateString } from "./time-parse";
import { hostCompare } from "./host-compare";

function num(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

function isStr(v: unknown): v is string | Bytes {
  return typeof v === "string" || v instanceof Bytes;
}

function timeOf(v: unknown): number | undefined {
  if (v instanceof Timestamp) return v.epochSeconds;
  if (typeof v === "number") return v;
  if (typeof v === "string") return parseDateString(v)?.epochSeconds;
  return undefined;
}

function compareTimes(a: unknown, b: unknown): number | undefined {
  if (a instanceof Timestamp && b instanceof Timestamp) return a.compare(b);
  const x = timeOf(a);
  const y = timeOf(b);
  if (x === undefined || y === undefined) return undefined;
  return x - y;
}

export function lessThan(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (a instanceof Timestamp || b instanceof Timestamp) {
    const c = compareTimes(a, b);
    return c !== undefined && c < 0;
  }
  if (typeof a === "object" || typeof b === "object") {
    const h = hostCompare(a, b);
    if (h !== undefined) return h < 0;
  }
  if (isStr(a)) {
    if (isStr(b)) return compareByteStrings(a, b) < 0;
    return typeof b === "number";
  }
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return x < y;
  if (isDictLike(a) && isDictLike(b)) return dictKeys(a).length < dictKeys(b).length;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (b.length === 0) return false;
    if (a.length === 0) return true;
    return lessThan(a[0], b[0]);
  }
  return false;
}

export function greaterThan(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a > b;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (a instanceof Timestamp || b instanceof Timestamp) {
    const c = compareTimes(a, b);
    return c !== undefined && c > 0;
  }
  if (typeof a === "object" || typeof b === "object") {
    const h = hostCompare(a, b);
    if (h !== undefined) return h > 0;
  }
  if (isStr(a)) {
    if (isStr(b)) return compareByteStrings(a, b) > 0;
    return typeof b === "number";
  }
  return false;
}

/** Sort comparator built on `<` (ORDER BY, min/max): negative when a < b. */
export function compareForSort(a: unknown, b: unknown): number {
  if (lessThan(a, b)) return -1;
  if (lessThan(b, a)) return 1;
  return 0;
}
