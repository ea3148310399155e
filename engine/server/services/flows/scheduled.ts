// This process's side of Server.Internal.ClientScheduled: new flows and cancels for clients
// connected to another process arrive here as events; for the clients whose socket this process
// holds, the flows are read from the database (the event carries only ids, many pairs of client
// and flow id per event when a collection is scheduled on many clients) and sent, and cancels
// passed on; a Disconnect (the client's key was revoked or re-keyed) closes its socket; a Kill
// (killkillkill()) is passed on. Events
// that arrive together are handled together (one read for them all).
import { queries } from "@/drizzle";
import { CLIENT_SCHEDULED_QUEUE, type AgentPresence, type Journal, type JournalEvent, type ServiceDeps } from "@/engine/server/contracts";
import { collectMessage, readRequest } from "./request";

const FINAL = new Set(["FINISHED", "ERROR", "CANCELLED", "TIMEOUT"]);

export function followScheduled(deps: ServiceDeps & { journal: Pick<Journal, "subscribe">; presence: Pick<AgentPresence, "isLocal" | "sendLocal" | "disconnectLocal"> }, signal: AbortSignal): void {
  let pending: JournalEvent[] = [];
  let flushing: Promise<void> | undefined;

  async function flush() {
    while (pending.length) {
      const batch = pending;
      pending = [];
      const wanted = new Map<string, string>();
      for (const e of batch) {
        // Many flows in one event: [[clientId, flowId], ...] (see dispatch.ts).
        for (const pair of asPairs(e.payload.Flows)) if (deps.presence.isLocal(pair[0])) wanted.set(pair[1], pair[0]);
        const clientId = String(e.payload.ClientId ?? e.clientId);
        if (!deps.presence.isLocal(clientId)) continue;
        if (typeof e.payload.Disconnect === "string") {
          deps.presence.disconnectLocal(clientId, e.payload.Disconnect);
          continue;
        }
        if (typeof e.payload.Kill === "string") {
          deps.presence.sendLocal(clientId, { type: "kill", reason: e.payload.Kill });
          continue;
        }
        for (const flowId of asIds(e.payload.Cancel)) deps.presence.sendLocal(clientId, { type: "cancel", flowId, reason: String(e.payload.Reason ?? "cancelled") });
        for (const flowId of asIds(e.payload.InFlightFlows)) wanted.set(flowId, clientId);
      }
      if (!wanted.size) continue;
      const { flows } = await queries.getFlowsForIngest(deps.database.db, [...wanted.keys()]);
      for (const [flowId, clientId] of wanted) {
        const f = flows.get(flowId);
        if (!f || f.clientId !== clientId || FINAL.has(f.state) || f.cancelRequested) continue;
        deps.presence.sendLocal(clientId, collectMessage(flowId, readRequest(f.request)));
      }
    }
  }

  void (async () => {
    for await (const e of deps.journal.subscribe(CLIENT_SCHEDULED_QUEUE, { signal })) {
      pending.push(e);
      flushing ??= new Promise((r) => setImmediate(r))
        .then(flush)
        .catch((err) => deps.log.error("could not send scheduled flows to agents", { error: (err as Error).message }))
        .finally(() => (flushing = undefined));
    }
  })().catch((err) => {
    if (!signal.aborted) deps.log.error("stopped following scheduled flows", { error: (err as Error).message });
  });
}

function asPairs(v: unknown): Array<[string, string]> {
  if (!Array.isArray(v)) return [];
  return v.filter((p): p is [string, string] => Array.isArray(p) && p.length === 2 && typeof p[0] === "string" && typeof p[1] === "string");
}

function asIds(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
