/**
 * clock(): an event plugin that never ends by itself. Each row is the current time (a
 * timestamp: `Unix`, `UnixNano`, `Second`... are its members), as in Velociraptor.
 */
import { arg } from "../arg";
import { definePlugin } from "../define";
import { toTimestamp } from "../time/timestamp";
import { Timestamp } from "@/engine/vql/values/timestamp";
import { toVqlString } from "@/engine/vql/values/stringify";
import { eventStream, pause } from "./event-stream";

export const clockPlugin = definePlugin({
  name: "clock",
  category: "event",
  doc: "Emit the current time every `period` seconds plus `ms` milliseconds (1 s when neither is given), for ever; with `start`, first at that time (at once when it has passed).",
  args: {
    start: arg.any().doc("When to emit the first row: a timestamp, epoch number or date string; a past time fires at once."),
    period: arg.float().min(0).doc("Seconds between rows (fractions allowed)."),
    ms: arg.int().min(0).doc("Milliseconds between rows, added to `period`."),
  },
  run({ start, period, ms }, ctx) {
    let first: Timestamp | null = null;
    if (start !== undefined && start !== null) {
      first = toTimestamp(start);
      if (!first) {
        ctx.log("ERROR", `clock: cannot use ${toVqlString(start)} as the start time`);
        return [];
      }
    }
    const everyMs = !period && !ms ? 1000 : (period ?? 0) * 1000 + (ms ?? 0);
    const now = () => Timestamp.fromMillis(ctx.now());
    return eventStream(ctx, async function* (signal) {
      // Like Velociraptor's timer, the next wait starts when a row is handed over, so a slow
      // consumer delays the clock instead of receiving a backlog of ticks.
      let handedAt = performance.now();
      if (first) {
        await pause(first.epochMillis - ctx.now(), signal);
        handedAt = performance.now();
        yield now();
      }
      for (;;) {
        await pause(handedAt + everyMs - performance.now(), signal);
        handedAt = performance.now();
        yield now();
      }
    });
  },
});
