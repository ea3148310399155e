/** range(): integers as `{_value: i}` rows, as a maybe-sync RowStream (no microtask per row). */
import { END } from "../../values/query";
import { arg } from "../arg";
import { definePlugin } from "../define";
import { PluginStream } from "../stream-base";

class RangeStream extends PluginStream {
  private n = 0;
  constructor(
    private i: number,
    private readonly end: number,
    private readonly step: number,
    private readonly signal: AbortSignal,
  ) {
    super();
  }
  next(): unknown {
    const i = this.i;
    if (i >= this.end) return END;
    if ((++this.n & 1023) === 0) this.signal.throwIfAborted();
    this.i = i + this.step;
    return { _value: i };
  }
  close(): void {
    this.i = this.end;
  }
}

export const rangePlugin = definePlugin({
  name: "range",
  category: "basic",
  doc: "Yield rows `{_value: i}` for integers from start (inclusive) to end (exclusive).",
  args: {
    start: arg.int().default(0).doc("First value."),
    end: arg.int().required().doc("Stop before this value."),
    step: arg.int().default(1).min(1).doc("Increment (at least 1)."),
  },
  run({ start, end, step }, ctx) {
    return new RangeStream(start, end, step, ctx.signal);
  },
});
