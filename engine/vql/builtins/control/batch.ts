/**
 * batch(), dedup() and sample(): plugins that pass on another query's rows grouped, without
 * repeats, or thinned, as Velociraptor's (vql/common/batch.go, dedup.go, sampler.go).
 */
import { getMember, MISSING } from "../../values/access";
import { toVqlString } from "../../values/stringify";
import { abortable, untilAborted } from "../abortable";
import { arg } from "../arg";
import { definePlugin } from "../define";
import { eventStream } from "../events/event-stream";
import { abortableDelay } from "../time/sleep";

const TIMED_OUT: unique symbol = Symbol("timed out");

export const batchPlugin = definePlugin({
  name: "batch",
  category: "control",
  doc: "Rows `{rows: [...]}` of `batch_size` rows of `query` each (or as many as make `batch_func` true); the last batch holds the rest, and an incomplete batch goes out after `timeout` seconds.",
  args: {
    batch_size: arg.int().default(0).min(0).doc("Size of batch (defaults to 10)."),
    batch_func: arg.string().doc("A VQL Lambda that determines when a batch is ready. Example 'x=>len(list=x) >= 10'."),
    query: arg.query().required().doc("Run this query over the item."),
    timeout: arg.float().default(0).min(0).doc("If specified we flush incomplete batches in this many seconds (default 3600)."),
  },
  version: 2,
  run({ batch_size, batch_func, query, timeout }, ctx) {
    const size = !batch_func && batch_size === 0 ? 10 : batch_size;
    const waitMs = (timeout || 3600) * 1000;
    return eventStream(ctx, async function* (signal) {
      const it = query.rows()[Symbol.asyncIterator]();
      let rows: unknown[] = [];
      let pending: Promise<IteratorResult<unknown>> | null = null;
      let finished = false;
      try {
        let deadline = performance.now() + waitMs;
        for (;;) {
          pending ??= it.next();
          // The timer is cleared as soon as a row wins the race (no timers left behind).
          const stop = new AbortController();
          const timer = abortableDelay(Math.max(0, deadline - performance.now()), AbortSignal.any([signal, stop.signal])).then(
            (): typeof TIMED_OUT => TIMED_OUT,
            (): typeof TIMED_OUT => TIMED_OUT,
          );
          let r: IteratorResult<unknown> | typeof TIMED_OUT;
          try {
            r = await untilAborted(Promise.race([pending, timer]), signal);
          } finally {
            stop.abort();
          }
          if (r === TIMED_OUT) {
            deadline = performance.now() + waitMs;
            if (rows.length) {
              yield { rows };
              rows = [];
            }
            continue;
          }
          pending = null;
          const step = r;
          if (step.done) {
            finished = true;
            break;
          }
          rows.push(step.value);
          const ready = size > 0 ? rows.length >= size : await ctx.isTruthy(await ctx.evalLambda(batch_func!, [rows]));
          if (ready) {
            yield { rows };
            rows = [];
            deadline = performance.now() + waitMs;
          }
        }
        if (rows.length) yield { rows };
      } finally {
        if (!finished) {
          const closing = it.return?.();
          closing?.catch(() => {});
        }
      }
    });
  },
});

export const dedupPlugin = definePlugin({
  name: "dedup",
  category: "control",
  doc: "The rows of `query` without those whose `key` column repeats a value passed on within the last `timeout` seconds (at most `size` values are remembered); rows without the column are dropped.",
  args: {
    key: arg.string().required().doc("A column name to use as dedup key."),
    query: arg.query().required().doc("Run this query to generate items."),
    timeout: arg.float().default(0).min(0).doc("LRU expires in this much time (default 60 sec)."),
    size: arg.int().default(0).min(0).doc("Size of the LRU cache (default 1000)."),
  },
  async *run({ key, query, timeout, size }, ctx) {
    const ttlMs = (timeout || 60) * 1000;
    const limit = size || 1000;
    // Key -> when it was passed on; Map order is insertion order, the oldest first.
    const seen = new Map<string, number>();
    for await (const row of abortable(query.rows(), ctx.signal)) {
      const k = getMember(row, key);
      if (k === MISSING) continue;
      const ks = toVqlString(k);
      const now = ctx.now();
      const at = seen.get(ks);
      if (at !== undefined && now - at < ttlMs) continue;
      seen.delete(ks);
      yield row;
      seen.set(ks, now);
      while (seen.size > limit) seen.delete(seen.keys().next().value!);
    }
  },
});

export const samplePlugin = definePlugin({
  name: "sample",
  category: "control",
  doc: "Every n'th row of `query`, starting with the first (useful to downsample event results).",
  args: {
    query: arg.query().required().doc("Source query."),
    n: arg.int().required().min(0).doc("Pick every n row from query (0 means every row)."),
  },
  async *run({ query, n }, ctx) {
    const every = n || 1;
    let count = 0;
    for await (const row of abortable(query.rows(), ctx.signal)) {
      if (count++ % every === 0) yield row;
    }
  },
});
