// Coalesces many small requests into one call: items arriving within maxWaitMs (or until
// maxItems) are handed to `run` together, and each caller gets its own result. Services use it
// where thousands of agents ask the same kind of question at once (hellos, reconnects), so the
// database sees one statement per batch instead of one per agent.
export interface Batcher<I, O> {
  add(item: I): Promise<O>;
}

export function createBatcher<I, O>(run: (items: I[]) => Promise<O[]>, o: { maxWaitMs: number; maxItems: number }): Batcher<I, O> {
  let pending: Array<{ item: I; resolve(v: O): void; reject(e: unknown): void }> = [];
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();

  function flush() {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (!batch.length) return;
    // One batch at a time, in order: a later batch may depend on an earlier one's writes.
    running = running.then(async () => {
      try {
        const out = await run(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(out[i]!));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    });
  }

  return {
    add(item) {
      return new Promise<O>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (pending.length >= o.maxItems) flush();
        else timer ??= setTimeout(flush, o.maxWaitMs);
      });
    },
  };
}
