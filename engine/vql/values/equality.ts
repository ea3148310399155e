/**
 * Equality protocol (REFERENCE §6.3) over materialised values. `<>` is not handled here: the
 * evaluator compiles it to FALSE.
 */
import { Bytes, compareByteStrings } from "./bytes";
import { dictGet, dictKeys, isDictLike } from "./ordered-dict";
import { Timestamp } from "./timestamp";
import { parseDateString } from "./time-parse";
import { hostCompare } from "./host-compare";

const TRUE_STRINGS = new Set(["Y", "y", "TRUE", "True"]);

export function equals(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  switch (typeof a) {
    case "number":
      if (typeof b === "number") return a === b;
      if (typeof b === "boolean") return a === (b ? 1 : 0);
      if (b instanceof Timestamp) return a === b.epochSeconds;
      return false;
    case "string":
      if (typeof b === "string") return a === b;
      if (b instanceof Bytes) return compareByteStrings(a, b) === 0;
      return typeof b === "object" && hostCompare(a, b) === 0;
    case "boolean":
      if (typeof b === "boolean") return a === b;
      if (typeof b === "number") return (a ? 1 : 0) === b;
      if (typeof b === "string") return a === TRUE_STRINGS.has(b);
      return false;
  }
  if (typeof a === "object" && !(a instanceof Bytes) && !(a instanceof Timestamp) && !Array.isArray(a) && !isDictLike(a)) {
    const h = hostCompare(a, b);
    if (h !== undefined) return h === 0;
  }
  if (a instanceof Bytes) return (typeof b === "string" || b instanceof Bytes) && compareByteStrings(a, b) === 0;
  if (a instanceof Timestamp) {
    if (b instanceof Timestamp) return a.compare(b) === 0;
    if (typeof b === "number") return a.epochSeconds === b;
    if (typeof b === "string") {
      const t = parseDateString(b);
      return t !== null && a.compare(t) === 0;
    }
    return false;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i])) return false;
    return true;
  }
  if (isDictLike(a)) {
    if (!isDictLike(b)) return false;
    const ka = dictKeys(a);
    const kb = dictKeys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) {
      const bv = dictGet(b, k);
      if (bv === undefined) return false;
      if (!equals(dictGet(a, k), bv)) return false;
    }
    return true;
  }
  return a === b;
}
