// What elastic_upload(), splunk_upload() and logscale_upload() share: reading a query's rows into
// batches that go out when `size` rows (or `maxBytes` encoded bytes) are in, when `waitMs` passes
// with rows waiting, and at the end (the last, partial batch); at most `threads` batches in flight,
// and the query is not read while all of them are (backpressure). The rows each send reports come
// out as the plugin's rows, in the order the sends finish. Owns no product's wire format.
import type { BuiltinContext, PluginStream, QueryArg } from "@/engine/vql";
import { eventStream } from "@/engine/vql/builtins/events/event-stream";
import { untilAborted } from "@/engine/vql";
import { abortableDelay } from "@/engine/vql";

export interface BatchOptions<T> {
  /** Runs before the query is read; false ends the plugin at once (it logged why). */
  start?(): Promise<boolean>;
  /** Items per batch (at least 1). */
  size: number;
  /** A batch with items goes out this long after the last one went (or the start). */
  waitMs: number;
  /** Batches in flight at once (at least 1). */
  threads: number;
  /** A batch also goes out once its items' bytes pass this (default: no limit). */
  maxBytes?: number;
  /** One row of the query as a batch item, or undefined to skip it (the encoder logs why). */
  encode(row: unknown): T | undefined | Promise<T | undefined>;
  /** The bytes an item adds (for maxBytes). */
  bytes?(item: T): number;
  /** Sends one batch; the rows it returns are the plugin's. Must not throw except on abort. */
  send(batch: T[], signal: AbortSignal, reason: FlushReason): Promise<unknown[]>;
  /** Runs once when the plugin ends, however it ends (after start() said yes). */
  onEnd?(): void;
}

/** Why a batch went out: `size` items, `maxBytes` bytes, `waitMs` passed, or the query ended. */
export type FlushReason = "size" | "bytes" | "wait" | "end";

const TICK: unique symbol = Symbol("wait_time passed");
const SENT: unique symbol = Symbol("a send finished");

/** The plugin's rows: what each batch's send reported. */
export function uploadBatches<T>(ctx: BuiltinContext, query: QueryArg, o: BatchOptions<T>): PluginStream {
  return eventStream(ctx, async function* (signal) {
    if (o.start && !(await untilAborted(o.start(), signal))) return;
    const it = query.rows()[Symbol.asyncIterator]();
    const out: unknown[] = [];
    const inflight = new Set<Promise<void>>();
    let wake: (() => void) | null = null;
    let sentSignal = new Promise<typeof SENT>((r) => (wake = () => r(SENT)));
    const notify = () => {
      const w = wake;
      sentSignal = new Promise<typeof SENT>((r) => (wake = () => r(SENT)));
      w?.();
    };
    let batch: T[] = [];
    let batchBytes = 0;
    const dispatch = (reason: FlushReason) => {
      if (!batch.length) return;
      const items = batch;
      batch = [];
      batchBytes = 0;
      const p: Promise<void> = o.send(items, signal, reason).then(
        (rows) => {
          out.push(...rows);
        },
        () => {},
      ).finally(() => {
        inflight.delete(p);
        notify();
      });
      inflight.add(p);
    };
    let pending: Promise<IteratorResult<unknown>> | null = null;
    let finished = false;
    try {
      let deadline = performance.now() + o.waitMs;
      for (;;) {
        while (out.length) yield out.shift();
        signal.throwIfAborted();
        if (inflight.size >= o.threads) {
          await untilAborted(sentSignal, signal);
          continue;
        }
        pending ??= it.next();
        const stop = new AbortController();
        const timer = abortableDelay(Math.max(0, deadline - performance.now()), AbortSignal.any([signal, stop.signal])).then(
          (): typeof TICK => TICK,
          (): typeof TICK => TICK,
        );
        let r: IteratorResult<unknown> | typeof TICK | typeof SENT;
        try {
          r = await untilAborted(Promise.race([pending, timer, ...(inflight.size ? [sentSignal] : [])]), signal);
        } finally {
          stop.abort();
        }
        if (r === SENT) continue;
        if (r === TICK) {
          dispatch("wait");
          deadline = performance.now() + o.waitMs;
          continue;
        }
        pending = null;
        if (r.done) {
          finished = true;
          break;
        }
        const item = await o.encode(r.value);
        if (item === undefined) continue;
        batch.push(item);
        batchBytes += o.bytes?.(item) ?? 0;
        if (batch.length >= o.size || (o.maxBytes !== undefined && batchBytes > o.maxBytes)) {
          dispatch(batch.length >= o.size ? "size" : "bytes");
          deadline = performance.now() + o.waitMs;
        }
      }
      dispatch("end");
      while (inflight.size || out.length) {
        while (out.length) yield out.shift();
        if (inflight.size) await untilAborted(sentSignal, signal);
      }
    } finally {
      o.onEnd?.();
      if (!finished) {
        const closing = it.return?.();
        closing?.catch(() => {});
      }
    }
  });
}

/** Resolves after `ms`, or at once when the signal aborts (never rejects). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return abortableDelay(ms, signal).catch(() => {});
}
