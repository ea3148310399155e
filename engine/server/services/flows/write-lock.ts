// One lane for every write that changes a flow's state: the ingest writer's batches, server-side
// finalisation (cancel, reconnect reconciliation) and expiry. Ingest reads a flow's state before
// its transaction; holding the lane means no other writer can end that flow in between, so data
// for a flow that has ended is always seen as late (dropped), never stored after its completion.

export type WriteLock = <T>(fn: () => Promise<T>) => Promise<T>;

export function createWriteLock(): WriteLock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}
