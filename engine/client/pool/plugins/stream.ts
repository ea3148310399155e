// What the pool's event plugins share: reach the synthetic endpoint's event sources through the
// agent host, log why a source has no events here, and stream rows until the query ends. Event
// plugins never end on their own: with nothing to stream they wait for the query's signal.
import { setTimeout as sleep } from "node:timers/promises";
import { agentHost } from "@/engine/client/plugins/host";
import { abortable, type BuiltinContext } from "@/engine/vql";
import type { EventStream, SyntheticEvents } from "@/engine/client/pool/events";

/** The endpoint's synthetic event sources; undefined (and an error logged) on a real endpoint. */
export function syntheticEvents(ctx: BuiltinContext): SyntheticEvents | undefined {
  const events = agentHost(ctx.host).system.events as Partial<SyntheticEvents> | undefined;
  if (events?.etw) return events as SyntheticEvents;
  ctx.log("ERROR", `${ctx.name}: this endpoint has no ${ctx.name}() source (only pooled endpoints simulate it)`);
  return undefined;
}

export interface StreamOptions {
  /** The signal the stream was opened with, when not the query's (a timeout). */
  signal?: AbortSignal;
  /** Decides per row: keep it, skip it, or stop the stream. */
  keep?: (row: unknown) => Promise<"keep" | "skip" | "stop">;
}

/** The stream's rows, with its problems logged first; waits for the signal when it has none. */
export async function* streamRows(s: EventStream, ctx: BuiltinContext, o: StreamOptions = {}): AsyncGenerator<unknown> {
  const signal = o.signal ?? ctx.signal;
  const keep = o.keep;
  for (const p of s.problems) ctx.log("WARN", `${ctx.name}: ${p}`);
  if (!s.rows) {
    await sleep(2 ** 31 - 1, undefined, { signal });
    return;
  }
  for await (const row of abortable(s.rows, signal)) {
    const verdict = keep ? await keep(row) : "keep";
    if (verdict === "stop") return;
    if (verdict === "keep") yield row;
  }
}
