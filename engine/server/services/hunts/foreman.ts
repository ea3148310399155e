// The foreman: decides which clients join a running hunt. It offers hunts to clients when they
// enrol, are interrogated (their OS becomes known) or gain a label, through checkpoints on
// those queues (at least once: offering is idempotent), and to the whole client table when a
// hunt starts or restarts (hunts.scanned_for != started_at). It applies the OS and label filters
// in the query, skips the server's own hosts unless the hunt was created with COLLECT_SERVER,
// runs the server-side condition (after the client condition's short flow, when the hunt has
// one: those candidates wait as `checking` until settle()), caps at client_limit, and inserts pending rows (ON CONFLICT DO
// NOTHING on the (hunt, client) key) with their System.Hunt.Participation rows in one
// transaction. All of its work runs on one queue (one writer); it never starts flows.
import { queries, type Db, type HuntCandidate, type HuntRecord } from "@/drizzle";
import { HUNT_PARTICIPATION_QUEUE, type CompiledCollection, type Principal } from "@/engine/server/contracts";
import { filterByCondition, matches, type RunQuery } from "./condition";
import type { HuntsDeps } from "./start";

const SCAN_PAGE = 1000;

/** The principal a hunt's server-side condition runs as: its creator, with the permissions it was created with. */
export function creatorOf(h: HuntRecord): Principal {
  const perms = ((h.request as { permissions?: string[] }).permissions ?? []) as Principal["permissions"] extends ReadonlySet<infer P> ? P[] : never;
  return { userId: h.creator, username: h.creator, role: "hunt", permissions: new Set(perms), via: "system" };
}

export function startForeman(deps: HuntsDeps, run: RunQuery) {
  const db = deps.database.db;
  let tail: Promise<unknown> = Promise.resolve();

  /** Runs fn after everything queued before it (the foreman's one writer). */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = tail.then(fn, fn);
    tail = next.catch(() => {});
    return next;
  }

  /** Schedules the candidates that pass the server-side condition, up to the client limit. */
  async function admit(h: HuntRecord, candidates: HuntCandidate[], signal: AbortSignal): Promise<number> {
    if (!candidates.length) return 0;
    const canServer = ((h.request as { permissions?: string[] }).permissions ?? []).includes("COLLECT_SERVER");
    if (!canServer) {
      const hosts = await deps.clients.serverHostIds(candidates.map((c) => c.clientId));
      candidates = candidates.filter((c) => !hosts.has(c.clientId));
    }
    if (h.conditionRequest) return check(h, candidates);
    const accepted = await filterByCondition(run, {
      vql: h.serverCondition,
      principal: creatorOf(h),
      candidates,
      signal,
      onError: (clientId, error) => deps.log.warn("hunt server condition failed; the client is not scheduled", { huntId: h.huntId, clientId, error }),
    });
    let ids = accepted.map((c) => c.clientId);
    if (h.clientLimit > 0) {
      const scheduled = (await queries.huntCounts(db, [h.huntId])).get(h.huntId)!.scheduled;
      ids = ids.slice(0, Math.max(0, h.clientLimit - scheduled));
    }
    if (!ids.length) return 0;
    const at = deps.clock.now();
    return queries.inTransaction(db, async (tx) => {
      const inserted = await queries.addHuntClients(tx, { huntId: h.huntId, clientIds: ids, at });
      if (inserted.length) await deps.journal.appendFor(HUNT_PARTICIPATION_QUEUE, inserted.map((clientId) => ({ clientId, row: { Timestamp: at.toISOString(), HuntId: h.huntId, ClientId: clientId } })), { tx });
      return inserted.length;
    });
  }

  /** A hunt with a client condition: the candidates start checking (a short flow each) instead. */
  async function check(h: HuntRecord, candidates: HuntCandidate[]): Promise<number> {
    if (h.clientLimit > 0 && (await queries.huntCounts(db, [h.huntId])).get(h.huntId)!.scheduled >= h.clientLimit) return 0;
    const at = deps.clock.now();
    const items = candidates.map((c) => ({ clientId: c.clientId, conditionFlowId: deps.ids.flowId() as string }));
    const inserted = await queries.addCheckingHuntClients(db, { huntId: h.huntId, items, at });
    // Stored first: a crash before this leaves checking rows the manager finds without their flow.
    if (inserted.length) await deps.flows.collectCompiled(h.conditionRequest as CompiledCollection, inserted.map((i) => ({ clientId: i.clientId, flowId: i.conditionFlowId })));
    return 0;
  }

  /** Checking clients whose condition flow ended: matched ones join the pending queue (up to the limit), the rest are excluded. `tx`: the completion consumer's. */
  async function settle(tx: Db, h: HuntRecord, outcomes: Array<{ clientId: string; rows: Array<Record<string, unknown>> | undefined; error: string }>, signal: AbortSignal) {
    const at = deps.clock.now();
    const matched: string[] = [];
    const excluded: Array<{ clientId: string; error: string }> = [];
    for (const o of outcomes) {
      if (!o.rows) excluded.push({ clientId: o.clientId, error: o.error || "the client condition did not finish" });
      else if (!h.serverCondition) {
        if (o.rows.length) matched.push(o.clientId);
        else excluded.push({ clientId: o.clientId, error: "" });
      } else {
        const v = await matches(run, h.serverCondition, creatorOf(h), o.rows, signal);
        if (v.error) deps.log.warn("hunt server condition failed; the client is not scheduled", { huntId: h.huntId, clientId: o.clientId, error: v.error });
        if (v.ok) matched.push(o.clientId);
        else excluded.push({ clientId: o.clientId, error: v.error ?? "" });
      }
    }
    let admitted = matched;
    if (h.clientLimit > 0) {
      const scheduled = (await queries.huntCounts(tx, [h.huntId])).get(h.huntId)!.scheduled;
      admitted = matched.slice(0, Math.max(0, h.clientLimit - scheduled));
      for (const id of matched.slice(admitted.length)) excluded.push({ clientId: id, error: "the hunt reached its client limit" });
    }
    const pending = await queries.settleCheckingHuntClients(tx, { huntId: h.huntId, clientIds: admitted, state: "pending", at });
    for (const e of excluded) await queries.settleCheckingHuntClients(tx, { huntId: h.huntId, clientIds: [e.clientId], state: "excluded", error: e.error, at });
    if (pending.length) await deps.journal.appendFor(HUNT_PARTICIPATION_QUEUE, pending.map((clientId) => ({ clientId, row: { Timestamp: at.toISOString(), HuntId: h.huntId, ClientId: clientId } })), { tx });
  }

  function offerable(h: HuntRecord): boolean {
    return h.state === "RUNNING" && h.expiresAt.getTime() > deps.clock.now().getTime();
  }

  return {
    serial,
    settle,

    /** Offers every running hunt to these clients (they enrolled, were interrogated or labelled). */
    offerClients(clientIds: string[], signal: AbortSignal): Promise<number> {
      return serial(async () => {
        if (!clientIds.length) return 0;
        let n = 0;
        for (const h of await queries.listRunningHunts(db)) {
          if (!offerable(h)) continue;
          const candidates = await queries.huntCandidates(db, { huntId: h.huntId, os: h.os, includeLabels: h.includeLabels, excludeLabels: h.excludeLabels, clientIds, limit: clientIds.length });
          n += await admit(h, candidates, signal);
        }
        return n;
      });
    },

    /** Offers a hunt that (re)started to the whole client table, then records the scan. */
    scan(huntId: string, signal: AbortSignal): Promise<number> {
      return serial(async () => {
        const h = await queries.getHunt(db, huntId);
        if (!h || !h.startedAt || h.scannedFor?.getTime() === h.startedAt.getTime()) return 0;
        let n = 0;
        if (offerable(h)) {
          for (let after = ""; ; ) {
            signal.throwIfAborted();
            const page = await queries.huntCandidates(db, { huntId: h.huntId, os: h.os, includeLabels: h.includeLabels, excludeLabels: h.excludeLabels, afterClientId: after, limit: SCAN_PAGE });
            n += await admit(h, page, signal);
            if (page.length < SCAN_PAGE) break;
            after = page[page.length - 1]!.clientId;
          }
        }
        await queries.updateHunt(db, h.huntId, { scannedFor: h.startedAt });
        return n;
      });
    },
  };
}
