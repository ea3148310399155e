/**
 * Value classification: the Go type names Velociraptor prints for %T, typeof() and argument
 * errors, and small predicates shared by the protocols.
 */
import { Bytes } from "./bytes";
import { isPlainObject, OrderedDict } from "./ordered-dict";
import { LazyValue, QueryValue } from "./query";
import { Timestamp } from "./timestamp";

const INT64_LIMIT = 2 ** 63;

/** Numbers that VQL treats as int64 (integral and within the int64 range). */
export function isIntNumber(n: number): boolean {
  return Number.isInteger(n) && n < INT64_LIMIT && n >= -INT64_LIMIT;
}

export function isNull(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

/** The Go type name of a value as Velociraptor would show it. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return "types.Null";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "number":
      return isIntNumber(v) ? "int64" : "float64";
    case "bigint":
      return "int64";
    case "string":
      return "string";
    case "function":
      return "func()";
  }
  if (v instanceof Bytes) return "string";
  if (Array.isArray(v)) return "[]interface {}";
  if (v instanceof OrderedDict || isPlainObject(v)) return "*ordereddict.Dict";
  if (v instanceof Timestamp) return "time.Time";
  if (v instanceof QueryValue) return "*vfilter.StoredQuery";
  if (v instanceof LazyValue) return "*vfilter.LazyExpr";
  const name = (v as object).constructor?.name;
  return name ? `*${name}` : "interface {}";
}
