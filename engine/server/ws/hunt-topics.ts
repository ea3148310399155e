// Live topics of the hunt pages on /api/ws/ui, and who may subscribe to them:
//   hunts           any hunt created or changed (the Hunts list)
//   hunt:<HuntId>   one hunt changed (its page)
// Each message is {type: "changed", huntId}: pages re-read what they show. Subscribing needs
// READ_RESULTS, as reading hunts over HTTP does. Every process follows the journal (hunt
// creation, participation, modifications, and completions of hunt and client-condition flows)
// and tells its own browsers, so it works with several processes on one database. Changes are
// coalesced: at most one message per hunt and topic every FLUSH_MS (about 4 a second).
import { FLOW_COMPLETION_QUEUE, HUNT_CREATION_QUEUE, HUNT_MODIFICATION_QUEUE, HUNT_PARTICIPATION_QUEUE, HUNTS_TOPIC, parseHuntId, type Journal, type Logger, type UiHub } from "@/engine/server/contracts";

export const FLUSH_MS = 250;
/** Completions waiting for their hunt to be looked up, at most (a flood is looked up in later flushes). */
const MAX_FLOWS_PER_FLUSH = 5000;

export function authorizeHuntTopics(ui: Pick<UiHub, "authorize">): void {
  ui.authorize(HUNTS_TOPIC, (p, topic) => topic === HUNTS_TOPIC && p.permissions.has("READ_RESULTS"));
  ui.authorize("hunt", (p, topic) => {
    const id = topic.slice("hunt:".length);
    return topic.startsWith("hunt:") && parseHuntId(id) === id && p.permissions.has("READ_RESULTS");
  });
}

export function followHuntEvents(
  deps: { journal: Pick<Journal, "subscribe">; ui: Pick<UiHub, "publishLocal">; log: Logger; huntsOfFlows(flowIds: string[]): Promise<string[]>; flushMs?: number },
  signal: AbortSignal,
): { flush(): Promise<void> } {
  const dirty = new Set<string>();
  const flows = new Set<string>();

  async function flush() {
    if (flows.size) {
      const batch = [...flows].slice(0, MAX_FLOWS_PER_FLUSH);
      for (const f of batch) flows.delete(f);
      try {
        for (const h of await deps.huntsOfFlows(batch)) dirty.add(h);
      } catch (err) {
        if (!signal.aborted) deps.log.warn("live hunt topics could not look up completed flows", { error: (err as Error).message });
      }
    }
    if (!dirty.size) return;
    const ids = [...dirty];
    dirty.clear();
    for (const huntId of ids) {
      const message = { type: "changed", huntId };
      deps.ui.publishLocal(HUNTS_TOPIC, message);
      deps.ui.publishLocal(`hunt:${huntId}`, message);
    }
  }

  let flushing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    flushing = flushing.then(flush);
  }, deps.flushMs ?? FLUSH_MS);
  timer.unref?.();
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });

  const follow = (queue: string, take: (payload: Record<string, unknown>) => void) =>
    void (async () => {
      for await (const e of deps.journal.subscribe(queue, { signal })) take(e.payload);
    })().catch((err) => {
      if (!signal.aborted) deps.log.error("live hunt topics stopped following the journal", { queue, error: (err as Error).message });
    });

  const byHuntId = (payload: Record<string, unknown>) => {
    const id = parseHuntId(payload.HuntId);
    if (id) dirty.add(id);
  };
  follow(HUNT_CREATION_QUEUE, byHuntId);
  follow(HUNT_PARTICIPATION_QUEUE, byHuntId);
  follow(HUNT_MODIFICATION_QUEUE, byHuntId);
  // Completions of every flow pass here; only hunt flows (.H) and client-condition flows (plain
  // ids) can belong to a hunt, and the lookup says which do.
  follow(FLOW_COMPLETION_QUEUE, (payload) => {
    const flowId = String(payload.FlowId ?? "");
    if (flowId && flows.size < MAX_FLOWS_PER_FLUSH * 10) flows.add(flowId);
  });

  return { flush: () => (flushing = flushing.then(flush)) };
}
