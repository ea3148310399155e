// The hunt manager (one process at a time, under the lease `hunt-manager`): each tick it stops
// running hunts past their expiry or done with their client_limit, has the foreman scan hunts
// that (re)started, recreates flows lost between a client's move to running and its flow's
// creation, and moves pending clients to running at each hunt's client_rate, starting their
// flows (`F.<id>.H`) with the hunt's compiled request. A durable consumer of
// System.Flow.Completion moves each hunt flow's client to completed, with_results or error in
// the transaction that advances its cursor (exactly once).
import { setTimeout as sleep } from "node:timers/promises";
import { queries, type HuntRecord } from "@/drizzle";
import { FLOW_COMPLETION_QUEUE, isHuntFlowId, type CompiledCollection, type JournalEvent } from "@/engine/server/contracts";
import type { Db } from "@/drizzle";
import type { HuntsDeps } from "./start";

/** Clients started per hunt and tick when client_rate is 0 (as fast as the server allows). */
export const UNTHROTTLED_PER_TICK = 1000;

export function startManager(deps: HuntsDeps, foreman: { scan(huntId: string, signal: AbortSignal): Promise<number> }) {
  const db = deps.database.db;
  /** Per hunt: fractional clients we may start now (a token bucket holding one second's worth). */
  const buckets = new Map<string, { tokens: number; at: number }>();

  function allowance(h: HuntRecord, nowMs: number): number {
    if (h.clientRate <= 0) return UNTHROTTLED_PER_TICK;
    const perMs = h.clientRate / 60_000;
    const cap = Math.max(1, h.clientRate / 60);
    const b = buckets.get(h.huntId) ?? { tokens: 1, at: nowMs };
    b.tokens = Math.min(cap, b.tokens + (nowMs - b.at) * perMs);
    b.at = nowMs;
    buckets.set(h.huntId, b);
    return Math.floor(b.tokens);
  }

  async function startFlows(h: HuntRecord, flows: Array<{ clientId: string; flowId: string }>) {
    if (!flows.length) return;
    await deps.flows.collectCompiled(h.request as CompiledCollection, flows);
  }

  async function tickHunt(h: HuntRecord, signal: AbortSignal) {
    const now = deps.clock.now();
    if (h.expiresAt.getTime() <= now.getTime()) {
      if (await queries.stopHuntIfRunning(db, h.huntId, now)) deps.log.info("hunt expired; stopped", { huntId: h.huntId });
      return;
    }
    if (h.startedAt && h.scannedFor?.getTime() !== h.startedAt.getTime()) await foreman.scan(h.huntId, signal);
    await startFlows(h, await queries.huntClientsWithoutFlow(db, h.huntId));
    // Pacing follows the monotonic clock: an injected (test) clock must not stall recruitment.
    const n = allowance(h, performance.now());
    if (n > 0) {
      const moved = await queries.inTransaction(db, (tx) => queries.takePendingHuntClients(tx, { huntId: h.huntId, limit: n, at: now, flowIdFor: () => `${deps.ids.flowId()}.H` }));
      const b = buckets.get(h.huntId);
      if (b) b.tokens -= moved.length;
      await startFlows(h, moved);
    }
    if (h.clientLimit > 0) {
      const c = (await queries.huntCounts(db, [h.huntId])).get(h.huntId)!;
      if (c.scheduled >= h.clientLimit && c.pending === 0 && (await queries.stopHuntIfRunning(db, h.huntId, deps.clock.now()))) deps.log.info("hunt reached its client limit; stopped", { huntId: h.huntId });
    }
  }

  async function tick(signal: AbortSignal) {
    for (const h of await queries.listRunningHunts(db)) {
      signal.throwIfAborted();
      await tickHunt(h, signal).catch((err) => deps.log.error("hunt manager tick failed", { huntId: h.huntId, error: (err as Error).message }));
    }
  }

  /** One batch of completions: hunt flows' clients move to their final queue. */
  async function record(events: JournalEvent[], tx: Db) {
    const items = [];
    for (const e of events) {
      const flowId = String(e.payload.FlowId ?? "");
      if (!isHuntFlowId(flowId)) continue;
      const f = (e.payload.Flow ?? {}) as { state?: string; status?: string; total_collected_rows?: number; total_uploaded_bytes?: number };
      const rows = Number(f.total_collected_rows ?? 0);
      const state = f.state === "FINISHED" ? (rows > 0 ? "with_results" : "completed") : "error";
      items.push({ flowId, state, totalRows: rows, uploadedBytes: Number(f.total_uploaded_bytes ?? 0), error: state === "error" ? String(f.status || f.state || "") : "", at: e.at });
    }
    await queries.finishHuntClients(tx, items);
  }

  const completions = deps.journal.consumer("hunt-manager", FLOW_COMPLETION_QUEUE);

  return {
    tick,
    /** The lease holder's work: ticks and the completion consumer, until `signal` aborts. */
    async run(signal: AbortSignal) {
      const ticks = (async () => {
        while (!signal.aborted) {
          await tick(signal).catch((err) => signal.aborted || deps.log.error("hunt manager tick failed", { error: (err as Error).message }));
          await sleep(deps.tickMs, undefined, { signal }).catch(() => {});
        }
      })();
      await Promise.all([ticks, completions.run(record, { signal, batchSize: 200 })]);
      buckets.clear();
    },
  };
}
