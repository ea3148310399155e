// Leases for singleton work (the interrogation sweep, flow expiry, journal maintenance, later
// the server event table and the hunt manager): a session advisory lock per lease name, taken
// and released only by the node keeper on the process's session connection (session locks
// belong to the connection that took them). Every keeper tick compares what the database says
// this session holds with what the table thinks it holds: a lease whose lock is gone is lost
// (its work's signal aborts), a wanted lease whose lock is free is taken.
import { setTimeout as sleep } from "node:timers/promises";
import { queries, type Db } from "@/drizzle";
import type { Leases } from "@/engine/server/contracts";
import type { Logger } from "@/engine/server/contracts";

interface Entry {
  name: string;
  key?: number;
  /** Held in the database, as far as this table knows. */
  held: boolean;
  controller?: AbortController;
  /** A worker waits for the lock. */
  waiter?: () => void;
  /** The worker finished: unlock at the next reconcile. */
  releasing: boolean;
}

export interface LeaseTable extends Leases {
  /** The keeper's tick: `heldKeys` are the lease locks the session holds now. */
  reconcile(session: Db, heldKeys: number[]): Promise<void>;
  /** The session is gone: every lease is lost (`stopping`: this process is shutting down, nothing to warn about). */
  loseAll(opts?: { stopping?: boolean }): void;
}

export function createLeaseTable(deps: { log: Logger; tickMs: number }): LeaseTable {
  const entries = new Map<string, Entry>();
  /** Keys to unlock at the next reconcile (leases whose worker is gone). */
  const stale = new Set<number>();

  function lose(e: Entry, why: string, quiet = false) {
    if (!e.held) return;
    e.held = false;
    e.controller?.abort(new Error(`lease ${e.name} lost: ${why}`));
    if (!quiet) deps.log.warn("lease lost", { lease: e.name, reason: why });
  }

  function pause(ms: number, signal: AbortSignal) {
    return sleep(ms, undefined, { signal }).catch(() => {});
  }

  return {
    async hold(name, work, signal) {
      if (entries.has(name)) throw new Error(`lease ${name} is already wanted in this process`);
      const e: Entry = { name, held: false, releasing: false };
      entries.set(name, e);
      try {
        while (!signal.aborted) {
          await new Promise<void>((resolve) => {
            if (e.held) return resolve();
            const onAbort = () => resolve();
            e.waiter = () => (signal.removeEventListener("abort", onAbort), resolve());
            signal.addEventListener("abort", onAbort, { once: true });
          });
          e.waiter = undefined;
          if (signal.aborted || !e.held) continue;
          const leaseSignal = AbortSignal.any([e.controller!.signal, signal]);
          deps.log.info("lease taken", { lease: name });
          try {
            await work(leaseSignal);
          } catch (err) {
            if (!leaseSignal.aborted) deps.log.error("work under a lease failed", { lease: name, error: (err as Error).message });
          }
          if (e.held) {
            e.held = false;
            e.releasing = true;
            e.controller?.abort(new Error(`lease ${name} released`));
          }
          await pause(deps.tickMs, signal);
        }
      } finally {
        entries.delete(name);
        if (e.key !== undefined && (e.held || e.releasing)) stale.add(e.key);
        e.held = false;
        e.controller?.abort(new Error(`lease ${name} released`));
      }
    },

    isHeld: (name) => entries.get(name)?.held ?? false,

    async reconcile(session, heldKeys) {
      const have = new Set(heldKeys);
      for (const key of stale) {
        if (have.has(key) && ![...entries.values()].some((e) => e.key === key && e.held)) await queries.advisoryUnlock(session, { space: queries.LOCK_SPACE.lease, key });
        stale.delete(key);
      }
      for (const e of entries.values()) {
        e.key ??= await queries.leaseKey(session, e.name);
        if (e.held && !have.has(e.key)) lose(e, "its lock is no longer held by this process");
        if (e.releasing) {
          if (have.has(e.key)) await queries.advisoryUnlock(session, { space: queries.LOCK_SPACE.lease, key: e.key });
          e.releasing = false;
          continue;
        }
        if (!e.held && e.waiter && (await queries.tryAdvisoryLock(session, { space: queries.LOCK_SPACE.lease, key: e.key }))) {
          e.held = true;
          e.controller = new AbortController();
          e.waiter();
        }
      }
    },

    loseAll(opts = {}) {
      for (const e of entries.values()) {
        lose(e, opts.stopping ? "this process is stopping" : "the database session was lost", opts.stopping);
        e.releasing = false;
      }
      stale.clear();
    },
  };
}
