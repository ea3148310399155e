/**
 * Rows of a value used in FROM (REFERENCE §3, §5.3): a stored query streams its rows, a list
 * yields its elements (dicts are rows; other elements are rows without members), anything else
 * (a dict, a scalar, NULL) is a single row.
 */
import { LazyValue, QueryValue, type RowStream } from "../values/query";
import { ArrayStream, lazyStream } from "./stream";
import type { Scope } from "./scope";

export function rowsFromValue(v: unknown, scope: Scope): RowStream {
  if (typeof v === "object" && v !== null) {
    if (v instanceof Promise) return lazyStream(v.then((x) => rowsFromValue(x, scope)));
    if (v instanceof QueryValue) return v.open(scope);
    if (v instanceof LazyValue) {
      const f = v.force();
      return f instanceof Promise ? lazyStream(f.then((x) => rowsFromValue(x, scope))) : rowsFromValue(f, scope);
    }
    if (Array.isArray(v)) return new ArrayStream(v);
  }
  return new ArrayStream([v]);
}
