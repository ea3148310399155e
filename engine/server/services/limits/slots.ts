// Run slots with per-user fairness. A slot is a row in run_slots (counted over every live
// process), taken only while the user is under their role's `maxConcurrent`. Runs that must
// wait wait in their user's own FIFO: a release (here, or on another process over the bus)
// wakes that user's queue only, so nobody waits behind someone else's runs. Each user's
// queue is drained by one chain at a time (its single writer); a tick re-checks every queue
// each second for releases whose bus message was lost and for slots of processes that died.
import { randomUUID } from "node:crypto";
import { setInterval as every } from "node:timers/promises";
import { queries } from "@/drizzle";
import type { Principal, RoleLimits, RunKind, RunRefused, RunSlot } from "@/engine/server/contracts";
import type { LimitsDeps } from "./start";

export const SLOT_RELEASED = "run-slot-released";
const TICK_MS = 1_000;
const SWEEP_EVERY = 30;
/** Slots of processes that are gone are deleted once this old (they never count meanwhile). */
const SWEEP_AGE_MS = 60_000;

interface Waiter {
  p: Principal;
  kind: RunKind;
  resolve(slot: RunSlot): void;
  onWait?(running: number, limit: number): void;
  lastRunning: number;
  cleanup(): void;
}

export function startRunSlots(deps: LimitsDeps, limitsOf: (p: Principal) => Promise<RoleLimits>, signal: AbortSignal) {
  const db = deps.database.db;
  const queues = new Map<string, Waiter[]>();
  const draining = new Map<string, Promise<void>>();

  async function take(p: Principal, kind: RunKind): Promise<{ slot?: RunSlot; running: number; limit: number }> {
    const limits = await limitsOf(p);
    const id = randomUUID();
    const r = await queries.tryTakeRunSlot(db, { id, username: p.username, nodeId: deps.node.nodeId, kind, limit: limits.maxConcurrent, liveNodeIds: deps.node.liveNodeIds(), at: deps.clock.now() });
    return { slot: r.taken ? slotOf(id, p.username) : undefined, running: r.running, limit: limits.maxConcurrent };
  }

  function slotOf(id: string, username: string): RunSlot {
    let released: Promise<void> | undefined;
    return {
      release() {
        released ??= (async () => {
          await queries.releaseRunSlot(db, id).catch((err) => deps.log.warn("could not release a run slot", { error: (err as Error).message }));
          deps.bus.broadcast(SLOT_RELEASED, { username });
          kick(username);
        })();
        return released;
      },
    };
  }

  /** Drains one user's queue, one chain per user at a time. */
  function kick(username: string) {
    if (!queues.has(username)) return;
    const next = (draining.get(username) ?? Promise.resolve())
      .then(() => drain(username))
      .catch((err) => deps.log.warn("run queue check failed", { user: username, error: (err as Error).message }));
    draining.set(username, next);
    void next.finally(() => {
      if (draining.get(username) === next) draining.delete(username);
    });
  }

  async function drain(username: string) {
    for (;;) {
      const q = queues.get(username);
      const head = q?.[0];
      if (!q || !head) {
        queues.delete(username);
        return;
      }
      const r = await take(head.p, head.kind);
      if (q[0] !== head) {
        // The head gave up while we asked; its slot goes back and the next one is tried.
        if (r.slot) await r.slot.release();
        continue;
      }
      if (r.slot) {
        q.shift();
        head.cleanup();
        head.resolve(r.slot);
        continue;
      }
      for (const w of q) {
        if (w.lastRunning === r.running) continue;
        w.lastRunning = r.running;
        try {
          w.onWait?.(r.running, r.limit);
        } catch {
          // a listener's failure is not the queue's
        }
      }
      return;
    }
  }

  deps.bus.on(SLOT_RELEASED, (m) => {
    const username = (m as { username?: unknown })?.username;
    if (typeof username === "string") kick(username);
  });

  void (async () => {
    let n = 0;
    for await (const _ of every(TICK_MS, undefined, { signal })) {
      for (const username of queues.keys()) kick(username);
      if (++n % SWEEP_EVERY === 0) {
        await queries
          .sweepRunSlots(db, { liveNodeIds: deps.node.liveNodeIds(), before: new Date(deps.clock.now().getTime() - SWEEP_AGE_MS) })
          .catch((err) => deps.log.warn("could not sweep run slots", { error: (err as Error).message }));
      }
    }
  })().catch(() => {});

  return {
    kickAll() {
      for (const username of queues.keys()) kick(username);
    },

    async tryAcquire(p: Principal, kind: RunKind): Promise<RunSlot | RunRefused> {
      const r = await take(p, kind);
      return r.slot ?? { refused: true, running: r.running, limit: r.limit };
    },

    acquire(p: Principal, kind: RunKind, o: { signal: AbortSignal; onWait?(running: number, limit: number): void }): Promise<RunSlot> {
      o.signal.throwIfAborted();
      return new Promise<RunSlot>((resolve, reject) => {
        const w: Waiter = { p, kind, resolve, onWait: o.onWait, lastRunning: -1, cleanup: () => o.signal.removeEventListener("abort", onAbort) };
        const onAbort = () => {
          const q = queues.get(p.username);
          const i = q?.indexOf(w) ?? -1;
          if (q && i >= 0) q.splice(i, 1);
          reject(o.signal.reason);
        };
        o.signal.addEventListener("abort", onAbort, { once: true });
        const q = queues.get(p.username) ?? [];
        q.push(w);
        queues.set(p.username, q);
        kick(p.username);
      });
    },

    /** For tests: runs waiting per user on this process. */
    waiting(username: string): number {
      return queues.get(username)?.length ?? 0;
    },
  };
}
