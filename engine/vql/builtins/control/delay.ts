/**
 * delay(): relays the rows of `query` no sooner than `delay` seconds after each arrived
 * (Velociraptor's, for event queries whose enrichment needs another source to catch up first).
 * At most `buffer_size` rows wait; beyond that the query is not read until rows leave. Ends when
 * the query ends and every waiting row has gone out.
 */
import { arg } from "../arg";
import { definePlugin } from "../define";
import { abortableDelay } from "../time/sleep";
import type { BuiltinContext, QueryArg } from "../types";

async function* delayed(query: QueryArg, delayMs: number, size: number, ctx: BuiltinContext): AsyncGenerator<unknown> {
  const source = query.rows()[Symbol.asyncIterator]();
  const waiting: Array<{ row: unknown; due: number }> = [];
  let ended = false;
  let failure: unknown = null;
  let stopped = false;
  let wakeConsumer: (() => void) | null = null;
  let wakeProducer: (() => void) | null = null;
  const wake = (w: (() => void) | null) => w?.();
  const pump = (async () => {
    try {
      while (!stopped) {
        if (waiting.length >= size) {
          await new Promise<void>((r) => (wakeProducer = r));
          continue;
        }
        const r = await source.next();
        if (r.done) break;
        waiting.push({ row: r.value, due: ctx.now() + delayMs });
        wake(wakeConsumer);
      }
    } catch (e) {
      failure ??= e;
    } finally {
      ended = true;
      wake(wakeConsumer);
    }
  })();
  const onAbort = () => wake(wakeConsumer);
  ctx.signal.addEventListener("abort", onAbort);
  try {
    for (;;) {
      ctx.signal.throwIfAborted();
      const head = waiting[0];
      if (head) {
        const wait = head.due - ctx.now();
        if (wait > 0) {
          await abortableDelay(wait, ctx.signal);
          continue;
        }
        waiting.shift();
        wake(wakeProducer);
        yield head.row;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((r) => (wakeConsumer = r));
      wakeConsumer = null;
    }
  } finally {
    stopped = true;
    ctx.signal.removeEventListener("abort", onAbort);
    wake(wakeProducer);
    // The source may be inside an await (an event plugin waiting for its next event): its
    // return() then runs after that await, and is not waited for here.
    const closing = source.return?.();
    closing?.catch(() => {});
    void pump;
  }
}

export const delayPlugin = definePlugin({
  name: "delay",
  category: "basic",
  doc: "Relay the rows of `query`, each no sooner than `delay` seconds after it arrived (for event queries).",
  args: {
    query: arg.query().required().doc("Source of rows."),
    delay: arg.int().required().min(0).doc("Seconds to hold each row."),
    buffer_size: arg.int().min(0).doc("Most rows held at once (default 1000, at most 1,000,000)."),
  },
  run({ query, delay, buffer_size }, ctx) {
    const size = Math.min(1_000_000, buffer_size || 1000);
    return delayed(query, delay * 1000, size, ctx);
  },
});
