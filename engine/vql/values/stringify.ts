/**
 * `%v` text of VQL values, as Velociraptor's format()/str() render them: NULL is `Null`, dicts
 * are compact JSON, arrays are Go slices `[1 2]`, timestamps RFC3339, numbers like Go.
 */
import { Bytes } from "./bytes";
import { formatNumber } from "./go-number";
import { isDictLike } from "./ordered-dict";
import { toJsonText } from "./json";
import { QueryValue } from "./query";
import { Timestamp } from "./timestamp";
import { hostOp, VQL_TEXT } from "./host-ops";

export function toVqlString(v: unknown): string {
  if (v === null || v === undefined) return "Null";
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return formatNumber(v);
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
  }
  if (v instanceof Bytes) return v.toString();
  if (v instanceof Timestamp) return v.toString();
  if (Array.isArray(v)) return "[" + v.map(toVqlString).join(" ") + "]";
  if (isDictLike(v)) return toJsonText(v);
  if (v instanceof QueryValue) return v.describe();
  if (v instanceof Date) return Timestamp.fromDate(v).toString();
  const text = hostOp<() => string>(v, VQL_TEXT);
  if (text) return text();
  return toJsonText(v);
}
