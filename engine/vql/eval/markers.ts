/** Internal markers of the row pipeline. */

/** Returned by a pipeline stage for a row that produces no output (WHERE false, grouped). */
export const SKIP: unique symbol = Symbol("vql.skip");
