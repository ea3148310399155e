/**
 * Helpers for plugins that return a maybe-sync RowStream (values/query.ts) instead of an async
 * generator: the evaluator then pulls their rows without a microtask per row.
 */
import { END, ROW_STREAM, type MaybePromise, type RowStream } from "../values/query";

export abstract class PluginStream implements RowStream {
  readonly [ROW_STREAM] = true;
  abstract next(): MaybePromise<unknown>;
  abstract close(): MaybePromise<void>;
}

/** Streams several row streams one after the other, opening each lazily. */
export class ConcatStream extends PluginStream {
  private current: RowStream | null = null;
  private i = 0;
  constructor(private readonly opens: (() => RowStream)[]) {
    super();
  }
  next(): MaybePromise<unknown> {
    for (;;) {
      if (!this.current) {
        if (this.i >= this.opens.length) return END;
        this.current = this.opens[this.i++]!();
      }
      const r = this.current.next();
      if (r instanceof Promise) return r.then((x) => (x === END ? ((this.current = null), this.next()) : x));
      if (r !== END) return r;
      this.current = null;
    }
  }
  close(): MaybePromise<void> {
    this.i = this.opens.length;
    const c = this.current;
    this.current = null;
    return c?.close();
  }
}

export { END };
