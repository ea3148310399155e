// Live tails of event queues for browsers: the topic `events:<queue>` (every row of the queue)
// or `events:<queue>@<clientId>` (one client's). The first subscriber on this process starts a
// journal subscription for the topic; it stops within seconds of the last one leaving. Rows
// are sent in batches every 250 ms, at most 200 per batch (a busy queue says how many it did
// not send: the page reads history for those). Subscribing needs READ_RESULTS.
import type { Journal, Logger, UiHub } from "@/engine/server/contracts";

const BATCH_MS = 250;
const MAX_PER_BATCH = 200;
const IDLE_CHECK_MS = 5000;

export function followEventTopics(deps: { journal: Pick<Journal, "subscribe">; ui: Pick<UiHub, "publishLocal" | "authorize" | "subscribers">; log: Logger }, signal: AbortSignal): void {
  const followers = new Map<string, AbortController>();

  function start(topic: string) {
    if (followers.has(topic) || signal.aborted) return;
    const spec = topic.slice("events:".length);
    const at = spec.lastIndexOf("@");
    const queue = at > 0 ? spec.slice(0, at) : spec;
    const clientId = at > 0 ? spec.slice(at + 1) : undefined;
    const stop = new AbortController();
    followers.set(topic, stop);
    const s = AbortSignal.any([signal, stop.signal]);
    let batch: Array<Record<string, unknown>> = [];
    let skipped = 0;
    const flush = () => {
      if (!batch.length && !skipped) return;
      deps.ui.publishLocal(topic, { type: "events", queue, rows: batch, skipped });
      batch = [];
      skipped = 0;
    };
    const timer = setInterval(flush, BATCH_MS);
    const idle = setInterval(() => {
      if (deps.ui.subscribers(topic) === 0) stop.abort();
    }, IDLE_CHECK_MS);
    void (async () => {
      for await (const e of deps.journal.subscribe(queue, { signal: s, ...(clientId ? { clientId } : {}) })) {
        if (batch.length < MAX_PER_BATCH) batch.push({ at: e.at.toISOString(), clientId: e.clientId, row: e.payload });
        else skipped++;
      }
    })()
      .catch((err) => {
        if (!s.aborted) deps.log.warn("a live event tail stopped", { topic, error: (err as Error).message });
      })
      .finally(() => {
        clearInterval(timer);
        clearInterval(idle);
        flush();
        followers.delete(topic);
      });
  }

  deps.ui.authorize("events", (p, topic) => {
    if (!p.permissions.has("READ_RESULTS") || topic.length <= "events:".length) return false;
    start(topic);
    return true;
  });
}
