// Server-side flow deadlines. An agent enforces each source's time limit itself, but an agent
// that never comes back leaves its flows open for ever; this check ends them:
// - RUNNING past started + timeout × sources + grace → TIMEOUT (the agent had all that time to
//   finish and report); a still-connected agent is told to cancel it;
// - WAITING for a client that is not connected, past created + the waiting period (default 7
//   days; Velociraptor keeps them queued without limit) → TIMEOUT.
// Nothing expires during the first grace period after the server starts, so agents can
// reconnect and report first. Each expiry is one transaction that locks the flows' rows (in id
// order, as ingest does): state, a log line and exactly one System.Flow.Completion; data that
// arrives for them afterwards is dropped as late, and logged. One process runs the periodic
// check, under the lease `flow-expiry`.
import { setInterval } from "node:timers/promises";
import { queries, type FlowRecord } from "@/drizzle";
import { FLOW_COMPLETION_QUEUE, type AgentPresence, type Journal, type LiveTopics, type ServiceDeps } from "@/engine/server/contracts";
import { completionEvent } from "../../mappers/flows";
import { toFlowSummary } from "./mappers";

export interface FlowExpiryOptions {
  /** Added to a running flow's own time budget before the server gives up on it (default 5 min). */
  graceMs?: number;
  /** How long a flow may wait for an offline client (default 7 days). */
  waitingMs?: number;
  /** How often the check runs (default 60 s). */
  intervalMs?: number;
}

export const DEFAULT_EXPIRY = { graceMs: 5 * 60_000, waitingMs: 7 * 24 * 3600_000, intervalMs: 60_000 };
const BATCH = 1000;

export function startExpiry(
  deps: ServiceDeps,
  p: {
    presence: Pick<AgentPresence, "online">;
    journal: Pick<Journal, "appendFor">;
    live: Pick<LiveTopics, "flowChanged">;
    sendCancel(clientId: string, flowId: string, reason: string): Promise<boolean>;
    options?: FlowExpiryOptions;
  },
) {
  const { db } = deps.database;
  const graceMs = p.options?.graceMs ?? DEFAULT_EXPIRY.graceMs;
  const waitingMs = p.options?.waitingMs ?? DEFAULT_EXPIRY.waitingMs;
  const notBefore = new Date(deps.clock.now().getTime() + graceMs);

  function reason(f: queries.OverdueFlow): string {
    if (f.state === "WAITING") return `the client did not come online within ${describe(waitingMs)}; the server ended this collection`;
    return `the client did not report the end of this collection in time (its time limit plus ${describe(graceMs)}); the server ended it`;
  }

  /** Ends one batch of overdue flows (ids after `after`); returns those found and those ended. */
  async function expireBatch(after: string): Promise<{ found: queries.OverdueFlow[]; ended: FlowRecord[] }> {
    const now = deps.clock.now();
    const found = await queries.listOverdueFlows(db, { now, graceMs, waitingMs, notBefore, limit: BATCH, after });
    // A waiting flow of a connected client (to any process) is queued on its agent: not overdue.
    const online = await p.presence.online([...new Set(found.filter((f) => f.state === "WAITING").map((f) => f.clientId))]);
    const due = found.filter((f) => f.state === "RUNNING" || !online.has(f.clientId));
    if (!due.length) return { found, ended: [] };
    const ended = await queries.inTransaction(db, async (tx) => {
      await queries.lockFlowRows(tx, due.map((f) => f.flowId).sort());
      const moved = await queries.expireFlows(tx, { flows: due.map((f) => ({ flowId: f.flowId, state: f.state, status: reason(f) })), at: now });
      if (!moved.length) return moved;
      const sources = await queries.getFlowSources(tx, moved.map((f) => f.flowId));
      await p.journal.appendFor(FLOW_COMPLETION_QUEUE, moved.map((f) => ({ clientId: f.clientId, row: completionEvent(toFlowSummary(f, sources), now) })), { tx });
      return moved;
    });
    return { found, ended };
  }

  /** Ends every overdue flow now; returns the flows it ended. */
  async function expireOverdue(): Promise<FlowRecord[]> {
    const all: FlowRecord[] = [];
    for (let after = ""; ; ) {
      const { found, ended } = await expireBatch(after);
      for (const f of ended) {
        deps.log.warn("flow expired on the server", { clientId: f.clientId, flowId: f.flowId, reason: f.status });
        // An agent that is connected but never finished it is told to stop.
        await p.sendCancel(f.clientId, f.flowId, "the server ended this collection (timeout)").catch(() => false);
        p.live.flowChanged(f.clientId, f.flowId);
      }
      all.push(...ended);
      if (found.length < BATCH) return all;
      after = found[found.length - 1]!.flowId;
    }
  }

  /**
   * Ends WAITING flows of clients that are not connected as CANCELLED with `status` (a stopped
   * hunt's flows that never reached their client); each with one completion event in the same
   * transaction. A connected client's waiting flow is on its agent already: left alone.
   */
  async function withdrawWaiting(flows: Array<{ clientId: string; flowId: string }>, status: string): Promise<string[]> {
    if (!flows.length) return [];
    const now = deps.clock.now();
    const online = await p.presence.online([...new Set(flows.map((f) => f.clientId))]);
    const due = flows.filter((f) => !online.has(f.clientId));
    if (!due.length) return [];
    const ended = await queries.inTransaction(db, async (tx) => {
      await queries.lockFlowRows(tx, due.map((f) => f.flowId).sort());
      const moved = await queries.expireFlows(tx, { flows: due.map((f) => ({ flowId: f.flowId, state: "WAITING", status })), at: now, to: "CANCELLED", level: "INFO" });
      if (!moved.length) return moved;
      const sources = await queries.getFlowSources(tx, moved.map((f) => f.flowId));
      await p.journal.appendFor(FLOW_COMPLETION_QUEUE, moved.map((f) => ({ clientId: f.clientId, row: completionEvent(toFlowSummary(f, sources), now) })), { tx });
      return moved;
    });
    for (const f of ended) p.live.flowChanged(f.clientId, f.flowId);
    return ended.map((f) => f.flowId);
  }

  /** The periodic check (run it under the lease); ends when the signal aborts. */
  async function run(signal: AbortSignal): Promise<void> {
    try {
      for await (const _ of setInterval(p.options?.intervalMs ?? DEFAULT_EXPIRY.intervalMs, undefined, { signal })) {
        await expireOverdue().catch((err) => deps.log.error("flow expiry check failed", { error: (err as Error).message }));
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  return { expireOverdue, withdrawWaiting, run };
}

function describe(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day${ms === 86_400_000 ? "" : "s"}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
