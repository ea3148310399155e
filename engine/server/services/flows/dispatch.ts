// Getting flows to agents: at once when connected, otherwise when the agent next connects;
// reconciling what the server and a reconnecting agent each think is in flight; cancelling.
import { queries, type FlowRecord } from "../../../../drizzle";
import { createBatcher } from "../batcher";
import { requirePermission, ServiceError, type AgentConnections, type AuditService, type EventsService, type Principal, type ServiceDeps } from "../types";
import { completionEvent } from "../../mappers/flows";
import { toFlowSummary } from "./mappers";
import { collectMessage, readRequest, type StoredRequest } from "./request";
import type { WriteLock } from "./write-lock";

export function startDispatch(
  deps: ServiceDeps,
  p: {
    agents: AgentConnections;
    events: EventsService;
    audit: AuditService;
    lock: WriteLock;
    changed(clientId: string, flowId: string): void;
    completed(flows: FlowRecord[]): void;
  },
) {
  const { db } = deps.database;

  function dispatch(flowId: string, clientId: string, req: StoredRequest) {
    p.agents.send(clientId, collectMessage(flowId, req));
  }

  /** Moves a flow to a final state from the server side; publishes its completion once. */
  async function finalize(flowId: string, state: "CANCELLED" | "ERROR", status: string) {
    let done: FlowRecord | undefined;
    const stored = await p.lock(() =>
      queries.inTransaction(db, async (tx) => {
        const at = deps.clock.now();
        done = await queries.finalizeFlow(tx, { flowId, state, status, at });
        if (!done) return [];
        const sources = await queries.getFlowSources(tx, [flowId]);
        return queries.insertEvents(tx, [{ queue: "System.Flow.Completion", at, clientId: done.clientId, payload: completionEvent(toFlowSummary(done, sources), at) }]);
      }),
    );
    p.events.notifyStored(stored.map((r) => ({ id: r.id, queue: r.queue, at: r.at, clientId: r.clientId, payload: r.payload })));
    if (done) {
      p.changed(done.clientId, flowId);
      p.completed([done]);
    }
    return done;
  }

  // Reconnects are reconciled in batches: one query for the open flows of many clients.
  const openFlows = createBatcher<string, FlowRecord[]>(
    async (ids) => {
      const byClient = new Map<string, FlowRecord[]>();
      for (const f of await queries.listOpenFlowsOf(db, [...new Set(ids)])) byClient.set(f.clientId, [...(byClient.get(f.clientId) ?? []), f]);
      return ids.map((id) => byClient.get(id) ?? []);
    },
    { maxWaitMs: 10, maxItems: 1000 },
  );

  async function agentConnected(clientId: string, inFlight: string[]) {
    const have = new Set(inFlight);
    const open = await openFlows.add(clientId);
    // Flows the agent still runs that the server has ended (expired, or ended while it was
    // away): the agent stops them; anything it still sends for them is dropped as late.
    const openIds = new Set(open.map((f) => f.flowId));
    for (const id of inFlight) if (!openIds.has(id)) p.agents.send(clientId, { type: "cancel", flowId: id, reason: "the server has ended this collection" });
    for (const f of open) {
      if (have.has(f.flowId)) {
        if (f.cancelRequested) p.agents.send(clientId, { type: "cancel", flowId: f.flowId, reason: "cancelled by a user" });
      } else if (f.state === "WAITING") {
        if (f.cancelRequested) await finalize(f.flowId, "CANCELLED", "cancelled before the client started it");
        else dispatch(f.flowId, clientId, readRequest(f.request));
      } else {
        await finalize(f.flowId, "ERROR", "the client no longer has this collection (it restarted or lost its state)");
      }
    }
  }

  async function cancel(actor: Principal, clientId: string, flowId: string, load: (c: string, f: string) => Promise<{ state: string; flowId: string; clientId: string }>) {
    requirePermission(actor, "COLLECT_CLIENT");
    const flow = await load(clientId, flowId);
    if (["FINISHED", "ERROR", "CANCELLED", "TIMEOUT"].includes(flow.state)) throw new ServiceError("conflict", `flow ${flow.flowId} has already ended (${flow.state})`);
    await audit(actor, flow);
    await queries.setFlowCancelRequested(db, flow.flowId);
    const sent = p.agents.send(flow.clientId, { type: "cancel", flowId: flow.flowId, reason: `cancelled by ${actor.username}` });
    if (!sent && flow.state === "WAITING") await finalize(flow.flowId, "CANCELLED", `cancelled by ${actor.username} before the client started it`);
  }

  async function audit(actor: Principal, flow: { flowId: string; clientId: string }) {
    await p.audit.record(actor, "CancelFlow", { client_id: flow.clientId, flow_id: flow.flowId });
  }

  return { dispatch, agentConnected, cancel, finalize };
}
