/**
 * Operator protocols of host objects (pathspec()'s OSPath): a value may define how `+`,
 * `[i]`, `[a:b]`, `%v`/`=~` text and truthiness apply to it, as Velociraptor registers
 * protocols for its OSPath. Owns the symbols and the lookups only; objects define the meaning.
 */

/** `a + b` with this value on the left; undefined falls through to the ordinary rules. */
export const VQL_ADD: unique symbol = Symbol.for("vql.add");
/** `v[i]`; undefined falls through. */
export const VQL_INDEX: unique symbol = Symbol.for("vql.index");
/** `v[a:b]` (bounds undefined when omitted); undefined falls through. */
export const VQL_SLICE: unique symbol = Symbol.for("vql.slice");
/** The text `%v`, str() and `=~` see. */
export const VQL_TEXT: unique symbol = Symbol.for("vql.text");
/** Truthiness (objects are otherwise falsy). */
export const VQL_TRUTHY: unique symbol = Symbol.for("vql.truthy");

type Fn = (...args: never[]) => unknown;

/** The protocol method of `v` under `sym`, when v is an object that has one. */
export function hostOp<F extends Fn>(v: unknown, sym: symbol): F | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const f = (v as Record<symbol, unknown>)[sym];
  return typeof f === "function" ? (f.bind(v) as F) : undefined;
}
