/** sleep(): an abortable pause. */
import { arg } from "../arg";
import { defineFunction } from "../define";

/** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(id);
      reject(signal.reason);
    };
    const id = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export const sleepFunction = defineFunction({
  name: "sleep",
  category: "basic",
  impure: true,
  doc: "Pause for `time` seconds or `ms` milliseconds, then return TRUE (stops early when the query is cancelled).",
  args: {
    time: arg.float().doc("Seconds to wait."),
    ms: arg.int().doc("Milliseconds to wait."),
  },
  async run({ time, ms }, ctx) {
    await abortableDelay((time ?? 0) * 1000 + (ms ?? 0), ctx.signal);
    return true;
  },
});
