// The hunt manager (one process at a time, under the lease `hunt-manager`): each tick it stops
// running hunts past their expiry or done with their client_limit, has the foreman scan hunts
// that (re)started, recreates flows lost between a client's move to running and its flow's
// creation, and moves pending clients to running at each hunt's client_rate, starting their
// flows (`F.<id>.H`) with the hunt's compiled request. A durable consumer of
// System.Flow.Completion moves each hunt flow's client to completed, with_results or error in
// the transaction that advances its cursor (exactly once); the same consumer settles clients
// whose client-condition flow ended (foreman.settle: server condition over its rows, then
// pending or excluded). Safety rails (error percentage, total rows, total upload bytes) are
// checked each tick before more clients start; a breach stops the hunt with its stop_reason.
// Ticks start every tickMs; an unthrottled hunt with a full batch left ticks again at once; a
// start scan runs beside the ticks (its pending clients start while it goes on). Once a hunt
// stops or expires, its flows still WAITING for clients that are not connected are withdrawn
// (CANCELLED; the client moves to excluded, "withdrawn: ..."), as Velociraptor's foreman offers a
// stopped hunt to nobody: an offline client never runs a hunt that was stopped meanwhile. A hunt
// that stopped at its client limit keeps its clients' flows until it expires.
import { setTimeout as sleep } from "node:timers/promises";
import { queries, type HuntRecord } from "@/drizzle";
import { FLOW_COMPLETION_QUEUE, HUNT_MODIFICATION_QUEUE, isHuntFlowId, type CompiledCollection, type JournalEvent, type Principal } from "@/engine/server/contracts";
import { CLIENT_CONDITION_SOURCE } from "./create";
import { railBreached } from "./rails";
import type { Db } from "@/drizzle";
import type { HuntsDeps } from "./start";

/** Clients started per hunt and tick when client_rate is 0 (as fast as the server allows). */
export const UNTHROTTLED_PER_TICK = 1000;
/** Seconds of client_rate a hunt's token bucket holds: a tick that came late (a loaded machine) still starts what was due. */
const BUCKET_SECONDS = 5;

type Settle = (tx: Db, h: HuntRecord, outcomes: Array<{ clientId: string; rows: Array<Record<string, unknown>> | undefined; error: string }>, signal: AbortSignal) => Promise<void>;

/** Reads client-condition results (the manager's own principal: it only reads the rows it asked for). */
const READER: Principal = { userId: "system", username: "HuntManager", role: "system", permissions: new Set(["READ_RESULTS"] as const), via: "system" };
const CONDITION_ROWS = 1000;
/** The status of a withdrawn hunt flow; the completion consumer recognises it. */
export const WITHDRAWN = "withdrawn: the hunt stopped before the client connected";
const WITHDRAW_BATCH = 1000;
/** A hunt stopped for this keeps its scheduled clients' flows until it expires (they are the clients it was limited to). */
const CLIENT_LIMIT_REASON = "the hunt reached its client limit";

export function startManager(deps: HuntsDeps, foreman: { scan(huntId: string, signal: AbortSignal): Promise<number>; settle: Settle }) {
  const db = deps.database.db;
  /** Per hunt: fractional clients we may start now (a token bucket holding BUCKET_SECONDS' worth). */
  const buckets = new Map<string, { tokens: number; at: number }>();

  function allowance(h: HuntRecord, nowMs: number): number {
    if (h.clientRate <= 0) return UNTHROTTLED_PER_TICK;
    const perMs = h.clientRate / 60_000;
    const cap = Math.max(1, (h.clientRate / 60) * BUCKET_SECONDS);
    const b = buckets.get(h.huntId) ?? { tokens: 1, at: nowMs };
    b.tokens = Math.min(cap, b.tokens + (nowMs - b.at) * perMs);
    b.at = nowMs;
    buckets.set(h.huntId, b);
    return Math.floor(b.tokens);
  }

  /** Stops a running hunt by itself, recording why; true when this call stopped it. */
  async function stop(h: HuntRecord, reason: string): Promise<boolean> {
    const at = deps.clock.now();
    return queries.inTransaction(db, async (tx) => {
      if (!(await queries.stopHuntIfRunning(tx, h.huntId, at, reason))) return false;
      await deps.journal.append(HUNT_MODIFICATION_QUEUE, [{ Timestamp: at.toISOString(), HuntId: h.huntId, Mutation: { state: "STOPPED", stop_reason: reason } }], { tx });
      return true;
    });
  }

  async function startFlows(h: HuntRecord, flows: Array<{ clientId: string; flowId: string }>) {
    if (!flows.length) return;
    await deps.flows.collectCompiled(h.request as CompiledCollection, flows);
  }

  /** Stops the hunt when a safety rail is breached (recording and logging why); true when it stopped. */
  async function stopAtRail(h: HuntRecord): Promise<boolean> {
    if (!h.maxErrorPercent && !Number(h.maxTotalRows) && !Number(h.maxTotalUploadBytes)) return false;
    const reason = railBreached(h, (await queries.huntCounts(db, [h.huntId])).get(h.huntId)!);
    if (!reason) return false;
    if (await stop(h, reason)) deps.log.warn("hunt stopped by a safety rail", { huntId: h.huntId, reason });
    return true;
  }

  /** Start scans under way, by hunt: they run beside the ticks, so pending clients start while the scan goes on. */
  const scans = new Map<string, Promise<unknown>>();

  /** One hunt's round; true when it left work that should not wait for the next tick (a full unthrottled batch). */
  async function tickHunt(h: HuntRecord, signal: AbortSignal): Promise<boolean> {
    const now = deps.clock.now();
    if (h.expiresAt.getTime() <= now.getTime()) {
      if (await stop(h, "the hunt expired")) deps.log.info("hunt expired; stopped", { huntId: h.huntId });
      return false;
    }
    if (await stopAtRail(h)) return false;
    if (h.startedAt && h.scannedFor?.getTime() !== h.startedAt.getTime() && !scans.has(h.huntId)) {
      const scan = foreman
        .scan(h.huntId, signal)
        .catch((err) => signal.aborted || deps.log.error("hunt start scan failed; the next tick retries", { huntId: h.huntId, error: (err as Error).message }))
        .finally(() => scans.delete(h.huntId));
      scans.set(h.huntId, scan);
    }
    await startFlows(h, await queries.huntClientsWithoutFlow(db, h.huntId));
    if (h.conditionRequest) {
      const lost = await queries.huntConditionsWithoutFlow(db, h.huntId);
      if (lost.length) await deps.flows.collectCompiled(h.conditionRequest as CompiledCollection, lost);
    }
    // Pacing follows the monotonic clock: an injected (test) clock must not stall recruitment.
    const n = allowance(h, performance.now());
    let more = false;
    if (n > 0) {
      const moved = await queries.inTransaction(db, async (tx) => {
        const m = await queries.takePendingHuntClients(tx, { huntId: h.huntId, limit: n, at: now, flowIdFor: () => `${deps.ids.flowId()}.H` });
        // The running queue grew: live pages hear of it (one row per hunt and tick).
        if (m.length) await deps.journal.append(HUNT_MODIFICATION_QUEUE, [{ Timestamp: now.toISOString(), HuntId: h.huntId, Mutation: { started_clients: m.length } }], { tx });
        return m;
      });
      const b = buckets.get(h.huntId);
      if (b) b.tokens -= moved.length;
      await startFlows(h, moved);
      more = h.clientRate <= 0 && moved.length >= n;
    }
    if (h.clientLimit > 0) {
      const c = (await queries.huntCounts(db, [h.huntId])).get(h.huntId)!;
      if (c.scheduled >= h.clientLimit && c.pending === 0 && (await stop(h, `${CLIENT_LIMIT_REASON} (${h.clientLimit})`))) deps.log.info("hunt reached its client limit; stopped", { huntId: h.huntId });
    }
    return more;
  }

  /** One round over the running hunts; true when some hunt has more to start at once. */
  async function tick(signal: AbortSignal): Promise<boolean> {
    let more = false;
    for (const h of await queries.listRunningHunts(db)) {
      signal.throwIfAborted();
      more = (await tickHunt(h, signal).catch((err) => void deps.log.error("hunt manager tick failed", { huntId: h.huntId, error: (err as Error).message }))) === true || more;
    }
    await withdraw().catch((err) => void deps.log.error("withdrawing a stopped hunt's waiting flows failed; the next tick retries", { error: (err as Error).message }));
    return more;
  }

  /** Stopped or expired hunts' flows that never reached their (offline) clients end now. */
  async function withdraw(): Promise<void> {
    const waiting = await queries.waitingFlowsOfEndedHunts(db, { now: deps.clock.now(), limit: WITHDRAW_BATCH, keepReasonPrefix: CLIENT_LIMIT_REASON });
    if (!waiting.length) return;
    const ended = await deps.flows.withdrawWaiting(waiting, WITHDRAWN);
    if (ended.length) deps.log.info("withdrew stopped hunts' waiting flows", { flows: ended.length });
  }

  /** One batch of completions: hunt flows' clients move to their final queue. */
  async function record(events: JournalEvent[], tx: Db) {
    const items = [];
    for (const e of events) {
      const flowId = String(e.payload.FlowId ?? "");
      if (!isHuntFlowId(flowId)) continue;
      const f = (e.payload.Flow ?? {}) as { state?: string; status?: string; total_collected_rows?: number; total_uploaded_bytes?: number };
      const rows = Number(f.total_collected_rows ?? 0);
      const withdrawn = f.state === "CANCELLED" && f.status === WITHDRAWN;
      const state = f.state === "FINISHED" ? (rows > 0 ? "with_results" : "completed") : withdrawn ? "excluded" : "error";
      items.push({ flowId, state, totalRows: rows, uploadedBytes: Number(f.total_uploaded_bytes ?? 0), error: state === "error" || withdrawn ? String(f.status || f.state || "") : "", at: e.at });
    }
    const changed = await queries.finishHuntClients(tx, items);
    // Live pages hear of the clients that moved, in this transaction (the flow's own completion
    // came before the move).
    const perHunt = new Map<string, number>();
    for (const c of changed) perHunt.set(c.huntId, (perHunt.get(c.huntId) ?? 0) + 1);
    if (perHunt.size) {
      const at = new Date().toISOString();
      await deps.journal.append(HUNT_MODIFICATION_QUEUE, [...perHunt].map(([HuntId, n]) => ({ Timestamp: at, HuntId, Mutation: { finished_clients: n } })), { tx });
    }
    await settleConditions(events.filter((e) => !isHuntFlowId(String(e.payload.FlowId ?? ""))), tx);
  }

  /** Client-condition flows that ended: their rows decide whether the client joins. */
  async function settleConditions(events: JournalEvent[], tx: Db) {
    const byFlow = new Map(events.map((e) => [String(e.payload.FlowId ?? ""), e]));
    const checking = await queries.huntClientsByConditionFlow(tx, [...byFlow.keys()]);
    const byHunt = new Map<string, typeof checking>();
    for (const c of checking) byHunt.set(c.huntId, [...(byHunt.get(c.huntId) ?? []), c]);
    for (const [huntId, list] of byHunt) {
      const h = await queries.getHunt(tx, huntId);
      if (!h) continue;
      const outcomes = [];
      for (const c of list) {
        const f = (byFlow.get(c.conditionFlowId)!.payload.Flow ?? {}) as { state?: string; status?: string };
        if (f.state !== "FINISHED") {
          outcomes.push({ clientId: c.clientId, rows: undefined, error: String(f.status || f.state || "") });
          continue;
        }
        const r = await deps.flows.results(READER, { clientId: c.clientId, flowId: c.conditionFlowId, artifact: CLIENT_CONDITION_SOURCE, limit: CONDITION_ROWS, tx }).catch(() => ({ rows: [] }));
        outcomes.push({ clientId: c.clientId, rows: r.rows, error: "" });
      }
      await foreman.settle(tx, h, outcomes, AbortSignal.timeout(60_000));
    }
  }

  const completions = deps.journal.consumer("hunt-manager", FLOW_COMPLETION_QUEUE);

  return {
    /** One round now, and the start scans it began (tests: a tick's effects are visible when it resolves). */
    async tick(signal: AbortSignal) {
      await tick(signal);
      await Promise.all([...scans.values()]);
    },
    /** The lease holder's work: ticks and the completion consumer, until `signal` aborts. */
    async run(signal: AbortSignal) {
      const ticks = (async () => {
        while (!signal.aborted) {
          // Ticks start every tickMs (not tickMs after the last one ended), and at once while an
          // unthrottled hunt has a full batch left.
          const t0 = performance.now();
          const more = await tick(signal).catch((err) => void (signal.aborted || deps.log.error("hunt manager tick failed", { error: (err as Error).message })));
          const wait = more === true ? 0 : Math.max(0, deps.tickMs - (performance.now() - t0));
          await sleep(wait, undefined, { signal }).catch(() => {});
        }
      })();
      await Promise.all([ticks, completions.run(record, { signal, batchSize: 200 })]);
      buckets.clear();
    },
  };
}
