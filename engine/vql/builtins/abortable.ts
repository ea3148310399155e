// Awaits that end when the query's signal aborts, whatever the awaited work is doing (STYLE §6:
// a builtin stops within 100 ms of an abort). Shared by the agent's and the server's builtins:
// an endpoint or a service call that takes no signal finishes in the background and its result
// is dropped.

/** `p`, or the signal's reason as soon as it aborts. A late rejection of `p` is absorbed. */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal, release?: (late: T) => unknown): Promise<T> {
  // A value that arrives after the abort (an opened file, a socket) goes to `release`, so
  // nothing the caller no longer waits for stays open.
  const late = (v: T) => {
    if (release) Promise.resolve().then(() => release(v)).catch(() => {});
  };
  if (signal.aborted) {
    p.then(late, () => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    let gaveUp = false;
    const onAbort = () => {
      gaveUp = true;
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        if (gaveUp) late(v);
        else resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/**
 * The items of `source`, each wait raced with the signal. Closing this (a consumer's break)
 * closes the source: at once when it is suspended at a yield; when it is stuck inside an await,
 * its return() is queued behind that await and not waited for.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let waiting = false;
  let finished = false;
  try {
    for (;;) {
      signal.throwIfAborted();
      waiting = true;
      const r = await untilAborted(it.next(), signal);
      waiting = false;
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!finished) {
      const closing = it.return?.();
      if (closing) {
        if (waiting) closing.catch(() => {});
        else await closing.catch(() => {});
      }
    }
  }
}
