/**
 * Truthiness (REFERENCE §6.1) of materialised values. Stored queries and lazy values are
 * resolved by the evaluator before it asks (a query is truthy when it yields a row).
 */
import { Bytes } from "./bytes";
import { OrderedDict, isPlainObject } from "./ordered-dict";
import { Timestamp } from "./timestamp";
import { hostOp, VQL_TRUTHY } from "./host-ops";

export function isTruthy(v: unknown): boolean {
  switch (typeof v) {
    case "boolean":
      return v;
    case "number":
      return v > 0;
    case "string":
      return v.length > 0;
    case "bigint":
      return v > 0n;
    case "undefined":
      return false;
  }
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof OrderedDict) return v.size > 0;
  if (v instanceof Bytes) return v.length > 0;
  if (v instanceof Timestamp) return v.sec > 0 || (v.sec === 0 && v.nsec > 0);
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  if (v instanceof Map || v instanceof Set) return v.size > 0;
  const truthy = hostOp<() => boolean>(v, VQL_TRUTHY);
  return truthy ? truthy() : false;
}
