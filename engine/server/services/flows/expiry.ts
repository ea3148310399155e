// Server-side flow deadlines. An agent enforces each source's time limit itself, but an agent
// that never comes back leaves its flows open for ever; this check ends them:
// - RUNNING past started + timeout × sources + grace → TIMEOUT (the agent had all that time to
//   finish and report); a still-connected agent is told to cancel it;
// - WAITING for a client that is not connected, past created + the waiting period (default 7
//   days; Velociraptor keeps them queued without limit) → TIMEOUT.
// Nothing expires during the first grace period after the server starts, so agents can
// reconnect and report first. Each expiry is one transaction: state, a log line and exactly one
// System.Flow.Completion, on the same write lane as ingest (late data is then dropped, logged).
import { setInterval } from "node:timers/promises";
import { queries, type FlowRecord } from "../../../../drizzle";
import type { AgentConnections, EventsService, ServiceDeps } from "../types";
import { completionEvent } from "../../mappers/flows";
import { toFlowSummary } from "./mappers";
import type { WriteLock } from "./write-lock";

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
    agents: Pick<AgentConnections, "isConnected" | "send">;
    events: EventsService;
    lock: WriteLock;
    changed(clientId: string, flowId: string): void;
    completed(flows: FlowRecord[]): void;
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
    return p.lock(async () => {
      const now = deps.clock.now();
      const found = await queries.listOverdueFlows(db, { now, graceMs, waitingMs, notBefore, limit: BATCH, after });
      // A waiting flow of a connected client is queued on its agent: not overdue.
      const due = found.filter((f) => f.state === "RUNNING" || !p.agents.isConnected(f.clientId));
      if (!due.length) return { found, ended: [] };
      let ended: FlowRecord[] = [];
      const stored = await queries.inTransaction(db, async (tx) => {
        ended = await queries.expireFlows(tx, { flows: due.map((f) => ({ flowId: f.flowId, state: f.state, status: reason(f) })), at: now });
        if (!ended.length) return [];
        const sources = await queries.getFlowSources(tx, ended.map((f) => f.flowId));
        return queries.insertEvents(
          tx,
          ended.map((f) => ({ queue: "System.Flow.Completion", at: now, clientId: f.clientId, payload: completionEvent(toFlowSummary(f, sources), now) })),
        );
      });
      p.events.notifyStored(stored.map((r) => ({ id: r.id, queue: r.queue, at: r.at, clientId: r.clientId, payload: r.payload })));
      return { found, ended };
    });
  }

  /** Ends every overdue flow now; returns the flows it ended. */
  async function expireOverdue(): Promise<FlowRecord[]> {
    const all: FlowRecord[] = [];
    for (let after = ""; ; ) {
      const { found, ended } = await expireBatch(after);
      for (const f of ended) {
        deps.log.warn("flow expired on the server", { clientId: f.clientId, flowId: f.flowId, reason: f.status });
        // An agent that is connected but never finished it is told to stop.
        p.agents.send(f.clientId, { type: "cancel", flowId: f.flowId, reason: "the server ended this collection (timeout)" });
        p.changed(f.clientId, f.flowId);
      }
      if (ended.length) p.completed(ended);
      all.push(...ended);
      if (found.length < BATCH) return all;
      after = found[found.length - 1]!.flowId;
    }
  }

  /** The periodic check; ends when the signal aborts. */
  async function run(signal: AbortSignal): Promise<void> {
    try {
      for await (const _ of setInterval(p.options?.intervalMs ?? DEFAULT_EXPIRY.intervalMs, undefined, { signal })) {
        await expireOverdue().catch((err) => deps.log.error("flow expiry check failed", { error: (err as Error).message }));
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  return { expireOverdue, run };
}

function describe(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day${ms === 86_400_000 ? "" : "s"}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
