/**
 * generate(): a named generator that runs one query and hands every row to every reader
 * subscribed to it (Velociraptor's vql/golang/generator.go over its broadcast service), so
 * several queries filter the rows of one run of an expensive query. The function returns a
 * stored query; `SELECT ... FROM` it (or foreach(row=...)) subscribes. Generators are kept by
 * name for the run: a call that finds a live generator of that name returns it. The query starts
 * `delay` ms after the generator is made, then waits for `fan_out` readers (at least one); when it
 * ends, or its last reader leaves, the generator is dropped, so a later call makes a new one that
 * runs the query again. Rows wait in memory per reader, at most MAX_BUFFERED each: past that the
 * query is paused until the slowest reader catches up (`with_file_buffer` is accepted; no file
 * buffer is kept — docs/vql-differences.md).
 */
import { END, QueryValue, type RowStream } from "@/engine/vql/values/query";
import { abortable } from "../abortable";
import { arg } from "../arg";
import { defineFunction } from "../define";
import type { BuiltinContext, QueryArg } from "../types";
import { pause } from "./event-stream";

const GENERATORS = Symbol("generate() generators");

/** Rows held per reader before the query is paused for it. */
export const MAX_BUFFERED = 1000;

interface Reader {
  queue: unknown[];
  wake?: () => void;
}

/** One run of the query and its readers. */
export class Generator {
  private readonly readers = new Set<Reader>();
  private done = false;
  private readonly stop = new AbortController();
  private poke?: () => void;
  readonly value: QueryValue;

  constructor(
    readonly name: string,
    private readonly query: QueryArg,
    private readonly opts: { delayMs: number; fanOut: number },
    private readonly ctx: Pick<BuiltinContext, "signal" | "log">,
    private readonly onEnd: () => void,
  ) {
    const gen = this;
    this.value = new (class GeneratorQuery extends QueryValue {
      open(): RowStream {
        return gen.subscribe();
      }
      describe(): string {
        return `generate(${gen.name})`;
      }
    })();
    void this.run();
  }

  /** Resolves when a reader joins, leaves or takes a row (or the generator stops). */
  private changed(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      this.poke = () => {
        signal.removeEventListener("abort", onAbort);
        this.poke = undefined;
        resolve();
      };
    });
  }

  private notify(): void {
    this.poke?.();
  }

  private async run(): Promise<void> {
    const signal = AbortSignal.any([this.ctx.signal, this.stop.signal]);
    try {
      if (this.opts.delayMs > 0) await pause(this.opts.delayMs, signal);
      const want = Math.max(1, this.opts.fanOut);
      while (this.readers.size < want) await this.changed(signal);
      for await (const row of abortable(this.query.rows(), signal)) {
        for (const r of this.readers) {
          r.queue.push(row);
          r.wake?.();
        }
        while ([...this.readers].some((r) => r.queue.length >= MAX_BUFFERED)) await this.changed(signal);
      }
    } catch (e) {
      if (!signal.aborted) this.ctx.log("ERROR", `generate: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.finish();
    }
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.stop.abort();
    this.onEnd();
    for (const r of this.readers) r.wake?.();
  }

  private subscribe(): RowStream {
    const r: Reader = { queue: [] };
    let closed = false;
    if (!this.done) this.readers.add(r);
    this.notify();
    const next = (): unknown => {
      if (r.queue.length) {
        const row = r.queue.shift();
        this.notify();
        return row;
      }
      if (closed || this.done) return END;
      return new Promise<void>((resolve) => (r.wake = resolve)).then(() => {
        r.wake = undefined;
        return next();
      });
    };
    return {
      next,
      close: () => {
        if (closed) return;
        closed = true;
        r.queue = [];
        r.wake?.();
        this.readers.delete(r);
        // The last reader gone: nobody wants the rest of the rows.
        if (this.readers.size === 0) this.finish();
        else this.notify();
      },
    };
  }
}

export const generateFunction = defineFunction({
  name: "generate",
  category: "event",
  impure: true,
  version: 2,
  doc: "Create a named generator that receives rows from the query. This allows multiple queries to efficiently filter rows from the same query: the result is a stored query, and every `SELECT ... FROM` it subscribed while the query runs receives every row of one run of the query.",
  args: {
    name: arg.string().doc("Name to call the generator (default: the query's text)."),
    query: arg.query().doc("Run this query to generator rows."),
    delay: arg.int().min(0).doc("Wait before starting the query (milliseconds)."),
    with_file_buffer: arg.bool().doc("Enable file buffering (accepted; rows are buffered in memory, and a reader that falls behind pauses the query)."),
    fan_out: arg.int().min(0).doc("Wait for this many listeners to connect before starting the query."),
    description: arg.string().doc("A description to add to debug server."),
  },
  run({ name, query, delay, fan_out }, ctx) {
    if (!query) {
      ctx.log("ERROR", "generate: query is required");
      return false;
    }
    const key = name || (query.value instanceof QueryValue ? query.value.describe() : JSON.stringify(query.value));
    const live = ctx.runShared(GENERATORS, () => new Map<string, Generator>());
    const found = live.get(key);
    if (found) return found.value;
    if (ctx.signal.aborted) return null;
    ctx.log("DEBUG", `generate: registered new query for ${key}`);
    const gen: Generator = new Generator(key, query, { delayMs: delay ?? 0, fanOut: fan_out ?? 0 }, ctx, () => {
      if (live.get(key) === gen) live.delete(key);
    });
    live.set(key, gen);
    return gen.value;
  },
});
