/**
 * RowStream adapters: sync and async iterables to the maybe-sync pull protocol and back, arrays,
 * and collection. A producer that throws ends its stream with a logged error (VQL semantics),
 * except cancellation, which propagates.
 */
import { END, ROW_STREAM, type MaybePromise, type RowStream } from "../values/query";
import { estimateBytes, letBytesError, letRowsError } from "../values/limits";
import type { RunState } from "./run-state";

export type ErrorSink = (e: unknown) => void;

export function isAbortError(e: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted && (e === signal.reason || (e instanceof Error && e.name === "AbortError"))) return true;
  return e instanceof Error && (e.name === "AbortError" || e.name === "TimeoutError");
}

/** What BulkRowStream.fill returns when it appended as many rows as asked. */
export const FILLED: unique symbol = Symbol("vql.filled");

/**
 * A RowStream with a bulk form of next() (the run loop uses it): fill() appends up to `max`
 * rows to `out` and returns FILLED; it stops early at the end (END), at a row that is not ready
 * (the Promise next() would return), or when `logs` is not empty after a row (that row is
 * returned, not appended, so the logs written while it was made can go out first).
 */
export interface BulkRowStream extends RowStream {
  fill(out: unknown[], max: number, logs: readonly unknown[]): unknown;
}

export function isBulkStream(s: RowStream): s is BulkRowStream {
  return typeof (s as Partial<BulkRowStream>).fill === "function";
}

/** How long close() waits for a busy async producer to finish. */
const CLOSE_WAIT_MS = 1000;

export const EMPTY_STREAM: RowStream = { next: () => END, close: () => undefined };

export class ArrayStream implements RowStream {
  private i = 0;
  constructor(private readonly rows: readonly unknown[]) {}
  next(): unknown {
    return this.i < this.rows.length ? this.rows[this.i++] : END;
  }
  close(): void {
    this.i = this.rows.length;
  }
}

class SyncIterStream implements RowStream {
  private done = false;
  constructor(
    private readonly it: Iterator<unknown>,
    private readonly onError: ErrorSink,
    private readonly signal: AbortSignal,
  ) {}
  next(): unknown {
    if (this.done) return END;
    try {
      const r = this.it.next();
      if (r.done) {
        this.done = true;
        return END;
      }
      return r.value;
    } catch (e) {
      this.done = true;
      if (isAbortError(e, this.signal)) throw e;
      this.onError(e);
      return END;
    }
  }
  close(): void {
    if (this.done) return;
    this.done = true;
    try {
      this.it.return?.();
    } catch (e) {
      if (!isAbortError(e, this.signal)) this.onError(e);
    }
  }
}

class AsyncIterStream implements RowStream {
  private done = false;
  private running = false;
  constructor(
    private readonly it: AsyncIterator<unknown>,
    private readonly onError: ErrorSink,
    private readonly signal: AbortSignal,
  ) {}
  next(): MaybePromise<unknown> {
    if (this.done) return END;
    this.running = true;
    return this.it.next().then(
      (r) => {
        this.running = false;
        if (r.done) {
          this.done = true;
          return END;
        }
        return r.value;
      },
      (e) => {
        this.running = false;
        this.done = true;
        if (isAbortError(e, this.signal)) throw e;
        this.onError(e);
        return END;
      },
    );
  }
  close(): MaybePromise<void> {
    if (this.done) return;
    this.done = true;
    // return() on a generator that is suspended at an await only takes effect at its next
    // yield; the abort signal reaches it sooner. Do not wait for a running generator.
    const p = this.it.return?.();
    if (!p) return;
    const settled = p.then(
      () => undefined,
      (e: unknown) => {
        if (!isAbortError(e, this.signal)) this.onError(e);
      },
    );
    if (!this.running) return settled;
    // The generator is inside an await: return() takes effect at its next yield, which a
    // producer honouring the (aborted) signal reaches at once. Do not wait for one that does not.
    return Promise.race([settled, new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref?.())]);
  }
}

/** Wraps a plugin's result (sync or async iterable) as a RowStream. */
export function streamFrom(source: unknown, onError: ErrorSink, signal: AbortSignal): RowStream {
  if (source === null || source === undefined) return EMPTY_STREAM;
  if (Array.isArray(source)) return new ArrayStream(source);
  if ((source as { [ROW_STREAM]?: boolean })[ROW_STREAM] === true) return source as RowStream;
  const s = source as { [Symbol.asyncIterator]?: () => AsyncIterator<unknown>; [Symbol.iterator]?: () => Iterator<unknown> };
  if (typeof s[Symbol.asyncIterator] === "function") return new AsyncIterStream(s[Symbol.asyncIterator]!(), onError, signal);
  if (typeof s[Symbol.iterator] === "function") return new SyncIterStream(s[Symbol.iterator]!(), onError, signal);
  return new ArrayStream([source]);
}

/** Pulls every row of a stream into an array (yielding to the event loop on long runs). */
export function collectStream(stream: RowStream, run: RunState, limit = Infinity, guard?: CollectGuard): MaybePromise<unknown[]> {
  return new Collector(stream, run, limit, guard).loop();
}

/** The caps on a materialised query (a `LET X <= SELECT`): rows and estimated bytes, named in the error. */
export interface CollectGuard {
  /** What is being collected, for the error (`LET X`). */
  what: string;
  maxRows: number;
  maxBytes: number;
}

class Collector {
  readonly out: unknown[] = [];
  private bytes = 0;
  constructor(
    private readonly stream: RowStream,
    private readonly run: RunState,
    private readonly limit: number,
    private readonly guard: CollectGuard | undefined,
  ) {}

  loop(): MaybePromise<unknown[]> {
    const { stream, run, out } = this;
    for (;;) {
      if (out.length >= this.limit) {
        const c = stream.close();
        return c instanceof Promise ? c.then(() => out) : out;
      }
      const t = run.tick();
      if (t) return t.then(() => this.loop(), (e) => closeAndThrow(stream, e));
      let r: unknown;
      try {
        r = stream.next();
      } catch (e) {
        return closeAndThrow(stream, e);
      }
      if (r instanceof Promise) return r.then((x) => this.after(x), (e) => closeAndThrow(stream, e));
      if (r === END) return out;
      if (this.guard) {
        const e = this.charge(r);
        if (e) return closeAndThrow(stream, e);
      }
      out.push(r);
    }
  }

  /** The limit error when one more row would pass a cap. */
  private charge(row: unknown): Error | undefined {
    const g = this.guard!;
    if (this.out.length >= g.maxRows) return letRowsError(g.what, g.maxRows);
    this.bytes += estimateBytes(row);
    if (this.bytes > g.maxBytes) return letBytesError(g.what, g.maxBytes);
    return undefined;
  }

  private after(x: unknown): MaybePromise<unknown[]> {
    if (x === END) return this.out;
    if (this.guard) {
      const e = this.charge(x);
      if (e) return closeAndThrow(this.stream, e);
    }
    this.out.push(x);
    return this.loop();
  }
}

function closeAndThrow(stream: RowStream, e: unknown): never | Promise<never> {
  const c = stream.close();
  if (c instanceof Promise) return c.then(() => Promise.reject(e));
  throw e;
}

/** A RowStream as an AsyncIterable (for builtins). Breaking out of the loop closes the stream. */
export function streamToAsyncIterable(open: () => RowStream): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<unknown> {
      let stream: RowStream | null = null;
      let finished = false;
      return {
        async next() {
          if (finished) return { done: true, value: undefined };
          stream ??= open();
          const r = await stream.next();
          if (r === END) {
            finished = true;
            return { done: true, value: undefined };
          }
          return { done: false, value: r };
        },
        async return() {
          if (!finished) {
            finished = true;
            if (stream) await stream.close();
          }
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** A stream whose source is known only after a Promise settles. */
export function lazyStream(p: Promise<RowStream>): RowStream {
  let inner: RowStream | null = null;
  let closed = false;
  return {
    next() {
      if (inner) return inner.next();
      return p.then((s) => {
        inner = closed ? EMPTY_STREAM : s;
        return inner.next();
      });
    },
    close() {
      closed = true;
      return inner?.close();
    },
  };
}
