// Getting flows to agents: at once when the agent is connected here; through
// Server.Internal.ClientScheduled when it is connected to another process (scheduled.ts there
// sends it); otherwise when the agent next connects. Also: reconciling what the server and a
// reconnecting agent each think is in flight, cancelling, and ending a flow from the server
// side (one System.Flow.Completion, in the transaction that ends it).
import { queries, type FlowRecord } from "@/drizzle";
import { createBatcher } from "../batcher";
import {
  CLIENT_SCHEDULED_QUEUE,
  FLOW_COMPLETION_QUEUE,
  requirePermission,
  ServiceError,
  type AgentPresence,
  type AuditService,
  type Journal,
  type LiveTopics,
  type Principal,
  type ServiceDeps,
} from "@/engine/server/contracts";
import { completionEvent } from "../../mappers/flows";
import { toFlowSummary } from "./mappers";
import { collectMessage, readRequest, type StoredRequest } from "./request";

export interface DispatchDeps extends ServiceDeps {
  presence: Pick<AgentPresence, "sendLocal" | "online">;
  journal: Pick<Journal, "append" | "appendFor">;
  audit: AuditService;
  live: Pick<LiveTopics, "flowChanged">;
}

/** Flows per Server.Internal.ClientScheduled event when many are scheduled at once. */
export const SCHEDULED_CHUNK = 1000;

export function startDispatch(deps: DispatchDeps) {
  const { db } = deps.database;

  /** Sends new flows to their agents: here, through the process holding them, or later. */
  async function dispatch(flows: Array<{ flowId: string; clientId: string }>, req: StoredRequest): Promise<void> {
    const elsewhere = flows.filter((f) => !deps.presence.sendLocal(f.clientId, collectMessage(f.flowId, req)));
    if (!elsewhere.length) return;
    const online = await deps.presence.online(elsewhere.map((f) => f.clientId));
    const pairs = elsewhere.filter((f) => online.has(f.clientId)).map((f) => [f.clientId, f.flowId]);
    // One event per SCHEDULED_CHUNK flows: a collection on 25,000 clients is 25 events, not
    // 25,000 (which would overrun a memory-only subscriber's buffer on the other processes).
    const rows: Array<Record<string, unknown>> = [];
    for (let i = 0; i < pairs.length; i += SCHEDULED_CHUNK) rows.push({ Flows: pairs.slice(i, i + SCHEDULED_CHUNK) });
    if (rows.length) await deps.journal.append(CLIENT_SCHEDULED_QUEUE, rows);
  }

  /** Tells an agent to stop a flow, wherever it is connected; false when it is not connected. */
  async function sendCancel(clientId: string, flowId: string, reason: string): Promise<boolean> {
    if (deps.presence.sendLocal(clientId, { type: "cancel", flowId, reason })) return true;
    if (!(await deps.presence.online([clientId])).has(clientId)) return false;
    await deps.journal.appendFor(CLIENT_SCHEDULED_QUEUE, [{ clientId, row: { ClientId: clientId, Cancel: [flowId], Reason: reason } }]);
    return true;
  }

  /** Moves a flow to a final state from the server side; records its completion once. */
  async function finalize(flowId: string, state: "CANCELLED" | "ERROR", status: string) {
    const done = await queries.inTransaction(db, async (tx) => {
      const at = deps.clock.now();
      const f = await queries.finalizeFlow(tx, { flowId, state, status, at });
      if (!f) return undefined;
      const sources = await queries.getFlowSources(tx, [flowId]);
      await deps.journal.appendFor(FLOW_COMPLETION_QUEUE, [{ clientId: f.clientId, row: completionEvent(toFlowSummary(f, sources), at) }], { tx });
      return f;
    });
    if (done) deps.live.flowChanged(done.clientId, flowId);
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
    for (const id of inFlight) if (!openIds.has(id)) deps.presence.sendLocal(clientId, { type: "cancel", flowId: id, reason: "the server has ended this collection" });
    for (const f of open) {
      if (have.has(f.flowId)) {
        if (f.cancelRequested) deps.presence.sendLocal(clientId, { type: "cancel", flowId: f.flowId, reason: "cancelled by a user" });
      } else if (f.state === "WAITING") {
        if (f.cancelRequested) await finalize(f.flowId, "CANCELLED", "cancelled before the client started it");
        else deps.presence.sendLocal(clientId, collectMessage(f.flowId, readRequest(f.request)));
      } else {
        await finalize(f.flowId, "ERROR", "the client no longer has this collection (it restarted or lost its state)");
      }
    }
  }

  async function cancel(actor: Principal, clientId: string, flowId: string, load: (c: string, f: string) => Promise<{ state: string; flowId: string; clientId: string }>) {
    requirePermission(actor, "COLLECT_CLIENT");
    const flow = await load(clientId, flowId);
    if (["FINISHED", "ERROR", "CANCELLED", "TIMEOUT"].includes(flow.state)) throw new ServiceError("conflict", `flow ${flow.flowId} has already ended (${flow.state})`);
    await deps.audit.record(actor, "CancelFlow", { client_id: flow.clientId, flow_id: flow.flowId });
    await queries.setFlowCancelRequested(db, flow.flowId);
    const sent = await sendCancel(flow.clientId, flow.flowId, `cancelled by ${actor.username}`);
    if (!sent && flow.state === "WAITING") await finalize(flow.flowId, "CANCELLED", `cancelled by ${actor.username} before the client started it`);
  }

  return { dispatch, sendCancel, agentConnected, cancel, finalize };
}
