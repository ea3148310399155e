/**
 * delay(): passes on each row of a query `delay` seconds after it arrived, as Velociraptor's
 * delay() does for event queries (so that other event sources can catch up first). Rows are
 * read as they come into a buffer of `buffer_size` rows; a full buffer stops reading until a
 * row leaves. When the query ends, the buffered rows still come out on time, then delay() ends.
 */
import { abortable } from "../abortable";
import { arg } from "../arg";
import { definePlugin } from "../define";
import type { QueryArg } from "../types";
import { eventStream, pause } from "./event-stream";

const DEFAULT_BUFFER = 1000;
const MAX_BUFFER = 1_000_000;

/** Rows waiting to be passed on, with the time (performance.now()) each is due. */
class DelayBuffer {
  readonly rows: { row: unknown; due: number }[] = [];
  ended = false;
  failure: unknown = undefined;
  private wakeReader: (() => void) | null = null;
  private wakeWriter: (() => void) | null = null;

  constructor(readonly size: number) {}

  /** Waits until there is room (the reader side) or a row or the end (the writer side). */
  wait(side: "reader" | "writer", signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      const wake = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      if (side === "reader") this.wakeReader = wake;
      else this.wakeWriter = wake;
    });
  }

  /** Wakes the side waiting for the other's progress. */
  notify(side: "reader" | "writer"): void {
    const w = side === "reader" ? this.wakeReader : this.wakeWriter;
    if (side === "reader") this.wakeReader = null;
    else this.wakeWriter = null;
    w?.();
  }
}

/** Reads the query into the buffer until it ends or `signal` aborts. */
async function read(query: QueryArg, delayMs: number, buf: DelayBuffer, signal: AbortSignal): Promise<void> {
  try {
    for await (const row of abortable(query.rows(), signal)) {
      buf.rows.push({ row, due: performance.now() + delayMs });
      buf.notify("writer");
      while (buf.rows.length >= buf.size) await buf.wait("reader", signal);
    }
  } catch (e) {
    if (!signal.aborted) buf.failure = e;
  } finally {
    buf.ended = true;
    buf.notify("writer");
  }
}

export const delayPlugin = definePlugin({
  name: "delay",
  category: "event",
  doc: "Pass on each row of `query` `delay` seconds after it arrived; ends when the query has ended and its buffered rows are out.",
  args: {
    query: arg.query().required().doc("The rows to delay (usually an event query)."),
    delay: arg.float().required().min(0).doc("Seconds each row is held back (fractions allowed)."),
    buffer_size: arg.int().default(DEFAULT_BUFFER).min(0).doc("Rows held at most; when full, the query is not read until a row leaves (0 means 1000; at most 1000000)."),
  },
  run({ query, delay, buffer_size }, ctx) {
    const size = Math.min(buffer_size || DEFAULT_BUFFER, MAX_BUFFER);
    return eventStream(ctx, async function* (signal) {
      const buf = new DelayBuffer(size);
      void read(query, delay * 1000, buf, signal);
      for (;;) {
        const next = buf.rows[0];
        if (!next) {
          if (buf.failure !== undefined) throw buf.failure;
          if (buf.ended) return;
          await buf.wait("writer", signal);
          continue;
        }
        await pause(next.due - performance.now(), signal);
        buf.rows.shift();
        buf.notify("reader");
        yield next.row;
      }
    });
  },
});
