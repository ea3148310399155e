/**
 * The comparison protocol of host objects (semver() results): an object with a
 * `[VQL_COMPARE](other)` method takes part in `=`, `<` and `>` against any value, as
 * Velociraptor's registered protocols do. Owns the dispatch only; the objects define the order.
 */

export const VQL_COMPARE: unique symbol = Symbol.for("vql.compare");

type Comparable = { [VQL_COMPARE](other: unknown): number | undefined };

function hasCompare(v: unknown): v is Comparable {
  return typeof v === "object" && v !== null && typeof (v as Partial<Comparable>)[VQL_COMPARE] === "function";
}

/** a compared to b (negative, 0, positive), or undefined when neither side defines an order with the other. */
export function hostCompare(a: unknown, b: unknown): number | undefined {
  if (hasCompare(a)) return a[VQL_COMPARE](b);
  if (hasCompare(b)) {
    const c = b[VQL_COMPARE](a);
    return c === undefined ? undefined : -c;
  }
  return undefined;
}
