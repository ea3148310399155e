// A service call raced with the query's signal (STYLE §6: a builtin stops within 100 ms of an
// abort). Services take no signal (a database statement is not cancelled); the call finishes in
// the background and its result is dropped. The agent has the same helper
// (engine/client/plugins/abortable.ts): engine/server and engine/client share no code but
// engine/vql and engine/protocol.

/** `p`, or the signal's reason as soon as it aborts. A late rejection of `p` is absorbed. */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
