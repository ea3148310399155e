/**
 * Deferred values: stored queries (a query not run yet), lazy expressions, and the maybe-sync
 * row stream protocol that the evaluator and builtins share. Only the shapes live here; the
 * evaluator (eval/) provides the concrete classes.
 */

export type MaybePromise<T> = T | Promise<T>;

/** End-of-stream marker returned by RowStream.next(). */
export const END: unique symbol = Symbol("vql.end");
export type End = typeof END;

/**
 * A pull stream of rows that answers synchronously when it can. `next()` returns a row, END, or
 * a Promise of either; consumers await only when they get a Promise, so sync sources (range(),
 * arrays, sync plugins) run without a microtask per row. `close()` stops the producer early (its
 * `finally` blocks run); it is safe to call more than once.
 */
export interface RowStream {
  next(): MaybePromise<unknown>;
  close(): MaybePromise<void>;
}

/**
 * Brand of RowStream objects a plugin may return from run() instead of an iterable (the
 * evaluator then pulls rows without a microtask per row). Set `[ROW_STREAM] = true`.
 */
export const ROW_STREAM: unique symbol = Symbol.for("vql.row-stream");

/** A query that has not run: `LET X = SELECT ...`, a `{ SELECT ... }` argument, a query arg. */
export abstract class QueryValue {
  /** Opens a stream of the query's rows in the given evaluator scope (opaque here). */
  abstract open(scope: unknown): RowStream;
  /** Text for messages and %v. */
  abstract describe(): string;
  /**
   * What identifies the query for state kept across calls (fifo()'s window): the same query
   * (one LET, or one `{...}` at one place) gives the same key however often it is looked up.
   */
  get cacheKey(): unknown {
    return this;
  }
}

/** An expression evaluated on demand (lazy args, lazy_dict values). */
export abstract class LazyValue {
  abstract force(): MaybePromise<unknown>;
}

export function isPromise(v: unknown): v is Promise<unknown> {
  return v instanceof Promise;
}
