/** range(): integers as `{_value: i}` rows (a synchronous generator: the fast path). */
import { arg } from "../arg";
import { definePlugin } from "../define";

export const rangePlugin = definePlugin({
  name: "range",
  category: "basic",
  doc: "Yield rows `{_value: i}` for integers from start (inclusive) to end (exclusive).",
  args: {
    start: arg.int().default(0).doc("First value."),
    end: arg.int().required().doc("Stop before this value."),
    step: arg.int().default(1).min(1).doc("Increment (at least 1)."),
  },
  *run({ start, end, step }, ctx) {
    let n = 0;
    for (let i = start; i < end; i += step) {
      if ((++n & 1023) === 0) ctx.signal.throwIfAborted();
      yield { _value: i };
    }
  },
});
