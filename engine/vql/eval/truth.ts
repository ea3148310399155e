/**
 * Truthiness and operand resolution for the evaluator: like values/truthy but a stored query is
 * truthy when it yields a row (it is run to find out), and lazy values are forced.
 */
import { isTruthy } from "../values/truthy";
import { END, LazyValue, QueryValue, type MaybePromise, type RowStream } from "../values/query";
import { materializeQuery } from "./materialize";
import type { Scope } from "./scope";

function queryHasRows(q: QueryValue, scope: Scope): MaybePromise<boolean> {
  const st = q.open(scope);
  const r = st.next();
  return r instanceof Promise ? r.then((x) => closeWith(st, x !== END)) : closeWith(st, r !== END);
}

function closeWith(st: RowStream, result: boolean): MaybePromise<boolean> {
  const c = st.close();
  return c instanceof Promise ? c.then(() => result) : result;
}

export function truthyOf(v: unknown, scope: Scope): MaybePromise<boolean> {
  if (typeof v === "object" && v !== null) {
    if (v instanceof Promise) return v.then((x) => truthyOf(x, scope));
    if (v instanceof QueryValue) return queryHasRows(v, scope);
    if (v instanceof LazyValue) {
      const f = v.force();
      return f instanceof Promise ? f.then((x) => truthyOf(x, scope)) : truthyOf(f, scope);
    }
  }
  return isTruthy(v);
}

/** True for values an operator must resolve first (queries are expanded, lazies forced). */
export function needsResolve(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v instanceof Promise || v instanceof QueryValue || v instanceof LazyValue);
}

/** Resolves an operand: awaits, forces lazies, expands queries into row lists. */
export function resolveOperand(v: unknown, scope: Scope): MaybePromise<unknown> {
  if (typeof v !== "object" || v === null) return v;
  if (v instanceof Promise) return v.then((x) => resolveOperand(x, scope));
  if (v instanceof QueryValue) return materializeQuery(v, scope);
  if (v instanceof LazyValue) {
    const f = v.force();
    return f instanceof Promise ? f.then((x) => resolveOperand(x, scope)) : resolveOperand(f, scope);
  }
  return v;
}
