// This process as one of several on the database. It keeps one session connection of its own
// (never pooled) holding advisory locks: its slot lock (which proves it is alive: the database
// drops the lock the moment the process dies) and the locks of the leases it holds. A keeper
// loop checks every tick that the locks are still there, takes leases that became free, and
// re-reads which processes are alive. Losing the session loses every lease at once; the keeper
// opens a new one and takes them again.
import { hostname } from "node:os";
import { setInterval as every } from "node:timers/promises";
import { randomBytes } from "node:crypto";
import { queries, type Database, type DbSession } from "@/drizzle";
import type { ClusterNode, NodeId } from "@/engine/server/contracts";
import type { Clock, Logger } from "@/engine/server/contracts";
import { createLeaseTable, type LeaseTable } from "./leases";

export interface NodeOptions {
  /** How often the keeper runs (default 1 s; a dead lease holder is replaced within about two ticks). */
  tickMs?: number;
  version?: string;
}

export interface StartedNode extends ClusterNode {
  leases: LeaseTable;
  /** Called when the session came back after a loss (locks retaken): re-assert what this process holds. */
  onRegained(listener: () => void): () => void;
  /** Releases every lease and the slot, removes this process's row. */
  stop(): Promise<void>;
}

const MAX_SLOTS = 1024;
const JANITOR_MS = 10_000;
const RELAY_KEEP_MS = 10 * 60_000;

export async function startClusterNode(deps: { database: Database; clock: Clock; log: Logger }, opts: NodeOptions = {}): Promise<StartedNode> {
  const { database, log } = deps;
  const db = database.db;
  const tickMs = opts.tickMs ?? 1000;
  const nodeId = `P.${randomBytes(8).toString("hex")}` as NodeId;
  let session: DbSession | undefined;
  let slot = -1;
  let pid = 0;
  let live: NodeId[] = [nodeId];
  let stopped = false;
  let lostOnce = false;
  const regained = new Set<() => void>();

  const leases = createLeaseTable({ log, tickMs });

  async function openSession(): Promise<void> {
    const s = await database.openSession();
    try {
      pid = await queries.backendPid(s.db);
      const taken = new Set(await queries.takenSlots(db));
      const order = [slot, ...Array.from({ length: MAX_SLOTS }, (_, i) => i)].filter((n) => n >= 0 && !taken.has(n));
      let got = -1;
      for (const n of order) {
        if (await queries.tryAdvisoryLock(s.db, { space: queries.LOCK_SPACE.slot, key: n })) {
          got = n;
          break;
        }
      }
      if (got < 0) throw new Error(`all ${MAX_SLOTS} process slots of this database are taken`);
      slot = got;
      await queries.registerNode(db, { nodeId, slot, backendPid: pid, url: "", hostname: hostname(), pid: process.pid, version: opts.version ?? "", at: deps.clock.now() });
      session = s;
    } catch (err) {
      await s.close();
      throw err;
    }
  }

  async function loseSession(reason: string) {
    if (!session) return;
    log.warn("cluster session lost; leases released", { nodeId, reason });
    lostOnce = true;
    leases.loseAll();
    const s = session;
    session = undefined;
    await s.close().catch(() => {});
  }

  async function refresh(): Promise<void> {
    const nodes = await queries.listNodes(db);
    const alive = nodes.filter((n) => n.alive).map((n) => n.nodeId as NodeId);
    if (!alive.includes(nodeId) && session) alive.push(nodeId);
    live = alive;
  }

  let ticks = 0;
  async function tick() {
    if (!session) {
      await openSession();
      log.info(lostOnce ? "cluster session regained" : "cluster node registered", { nodeId, slot });
      if (lostOnce) for (const l of regained) l();
    }
    const s = session!;
    try {
      const held = await queries.heldAdvisoryLocks(s.db);
      if (!held.some((k) => k.space === queries.LOCK_SPACE.slot && k.key === slot)) return loseSession("the slot lock is gone");
      await leases.reconcile(s.db, held.filter((k) => k.space === queries.LOCK_SPACE.lease).map((k) => k.key));
      if (++ticks % 5 === 0) await queries.registerNode(db, { nodeId, slot, backendPid: pid, url: "", hostname: hostname(), pid: process.pid, version: opts.version ?? "", at: deps.clock.now() });
    } catch (err) {
      return loseSession((err as Error).message);
    }
    await refresh().catch((err) => log.warn("could not read the cluster's processes", { error: (err as Error).message }));
  }

  await tick();
  // One process cleans up after dead ones: their rows and agent presence, and old relayed
  // messages (nobody reads a bus message ten minutes later).
  const janitor = new AbortController();
  void leases
    .hold(
      "cluster-janitor",
      async (s) => {
        for await (const _ of every(JANITOR_MS, undefined, { signal: s })) {
          try {
            const dead = (await queries.listNodes(db)).filter((n) => !n.alive && n.nodeId !== nodeId).map((n) => n.nodeId);
            if (dead.length) {
              const cleared = await queries.deletePresenceOfNodes(db, dead);
              for (const id of dead) await queries.deleteNode(db, id);
              log.info("cleared processes that are gone", { processes: dead.length, agents: cleared });
            }
            await queries.pruneRelay(db, new Date(deps.clock.now().getTime() - RELAY_KEEP_MS));
          } catch (err) {
            log.warn("cluster cleanup failed", { error: (err as Error).message });
          }
        }
      },
      janitor.signal,
    )
    .catch(() => {});
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, tickMs);
        wake = () => (clearTimeout(t), r());
      });
      if (stopped) break;
      await tick().catch((err) => log.warn("cluster keeper failed; retrying", { nodeId, error: (err as Error).message }));
    }
  })();

  return {
    nodeId,
    slot: () => slot,
    liveNodeIds: () => live,
    others: () => live.filter((n) => n !== nodeId),
    isLive: (id) => live.includes(id as NodeId),
    refresh,
    leases,
    onRegained(listener) {
      regained.add(listener);
      return () => regained.delete(listener);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      janitor.abort();
      wake?.();
      await loop;
      leases.loseAll({ stopping: true });
      await queries.deleteNode(db, nodeId).catch(() => {});
      await session?.close().catch(() => {});
      session = undefined;
    },
  };
}
