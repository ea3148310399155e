// Queries for several processes on one database: session advisory locks (process slots and
// leases, taken on a process's own session connection), the process registry and which of its
// rows are alive (their slot lock is held by their backend), agent presence, large
// cross-process messages, NOTIFY, and sign-in failures counted for every process.
import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agentPresence, clusterNodes, clusterRelay, loginFailures, type ClusterNodeRecord } from "../schema";
import { rowsOf } from "./raw";

/** Advisory lock namespaces (the first key of the two-key form). */
export const LOCK_SPACE = { slot: 727276, lease: 727275 } as const;

export interface LockKey {
  space: number;
  key: number;
}

/** Takes a session advisory lock on the session's connection without waiting; true when held. */
export async function tryAdvisoryLock(session: Db, k: LockKey): Promise<boolean> {
  const [r] = rowsOf<{ ok: boolean }>(await session.execute(sql`select pg_try_advisory_lock(${k.space}::int, ${k.key}::int) as ok`));
  return Boolean(r?.ok);
}

export async function advisoryUnlock(session: Db, k: LockKey): Promise<void> {
  await session.execute(sql`select pg_advisory_unlock(${k.space}::int, ${k.key}::int)`);
}

/** The two-key advisory locks this session's backend holds now. */
export async function heldAdvisoryLocks(session: Db): Promise<LockKey[]> {
  const rows = rowsOf<{ s: number | string; k: number | string }>(
    await session.execute(sql`select classid::bigint as s, objid::bigint as k from pg_locks where locktype = 'advisory' and granted and objsubid = 2 and pid = pg_backend_pid()`),
  );
  // classid and objid are unsigned 32-bit oids; the keys were signed 32-bit ints.
  return rows.map((r) => ({ space: Number(r.s) | 0, key: Number(r.k) | 0 }));
}

/** Slots whose lock some backend holds now. */
export async function takenSlots(db: Db): Promise<number[]> {
  const rows = rowsOf<{ k: number | string }>(
    await db.execute(sql`select objid::bigint as k from pg_locks where locktype = 'advisory' and granted and objsubid = 2 and classid = ${LOCK_SPACE.slot}`),
  );
  return rows.map((r) => Number(r.k));
}

export async function backendPid(session: Db): Promise<number> {
  const [r] = rowsOf<{ pid: number }>(await session.execute(sql`select pg_backend_pid() as pid`));
  return Number(r?.pid ?? 0);
}

/** A lease name's lock key (PostgreSQL's own text hash, so every process agrees). */
export async function leaseKey(db: Db, name: string): Promise<number> {
  const [r] = rowsOf<{ k: number }>(await db.execute(sql`select hashtext(${`talon-lease:${name}`}) as k`));
  return Number(r?.k ?? 0);
}

/** Registers this process under a slot it holds the lock of; other rows claiming it are dead. */
export async function registerNode(db: Db, n: Omit<ClusterNodeRecord, "startedAt" | "heartbeatAt"> & { at: Date }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(clusterNodes).where(and(eq(clusterNodes.slot, n.slot), sql`${clusterNodes.nodeId} <> ${n.nodeId}`));
    await tx
      .insert(clusterNodes)
      .values({ nodeId: n.nodeId, slot: n.slot, backendPid: n.backendPid, url: n.url, hostname: n.hostname, pid: n.pid, version: n.version, startedAt: n.at, heartbeatAt: n.at })
      .onConflictDoUpdate({ target: clusterNodes.nodeId, set: { slot: n.slot, backendPid: n.backendPid, heartbeatAt: n.at } });
  });
}

export async function heartbeatNode(db: Db, p: { nodeId: string; at: Date; url?: string }): Promise<void> {
  await db
    .update(clusterNodes)
    .set({ heartbeatAt: p.at, ...(p.url !== undefined ? { url: p.url } : {}) })
    .where(eq(clusterNodes.nodeId, p.nodeId));
}

export async function deleteNode(db: Db, nodeId: string): Promise<void> {
  await db.delete(clusterNodes).where(eq(clusterNodes.nodeId, nodeId));
}

/** Every registered process, each with whether it is alive (its slot lock held by its backend). */
export async function listNodes(db: Db): Promise<Array<ClusterNodeRecord & { alive: boolean }>> {
  const rows = rowsOf<{ node_id: string; slot: number; backend_pid: number; url: string; hostname: string; pid: number; version: string; started_at: string | Date; heartbeat_at: string | Date; alive: boolean }>(
    await db.execute(sql`
      select n.*, exists (
        select 1 from pg_locks l
        where l.locktype = 'advisory' and l.granted and l.classid = ${LOCK_SPACE.slot} and l.objsubid = 2 and l.objid = n.slot::oid and l.pid = n.backend_pid
      ) as alive
      from cluster_nodes n order by n.slot`),
  );
  return rows.map((r) => ({
    nodeId: r.node_id,
    slot: Number(r.slot),
    backendPid: Number(r.backend_pid),
    url: r.url,
    hostname: r.hostname,
    pid: Number(r.pid),
    version: r.version,
    startedAt: new Date(r.started_at),
    heartbeatAt: new Date(r.heartbeat_at),
    alive: Boolean(r.alive),
  }));
}

// ---- agent presence ------------------------------------------------------------------------

export async function upsertPresence(db: Db, rows: Array<{ clientId: string; nodeId: string; at: Date }>): Promise<void> {
  if (!rows.length) return;
  const json = JSON.stringify(rows.map((r) => ({ c: r.clientId, n: r.nodeId, a: r.at.toISOString() })));
  await db.execute(sql`
    insert into agent_presence (client_id, node_id, connected_at)
    select distinct on (x.c) x.c, x.n, x.a from jsonb_to_recordset(${json}::jsonb) as x(c text, n text, a timestamptz) order by x.c, x.a desc
    on conflict (client_id) do update set node_id = excluded.node_id, connected_at = excluded.connected_at`);
}

/** Removes the presence rows a process holds for these clients (not another process's). */
export async function deletePresence(db: Db, p: { nodeId: string; clientIds: string[] }): Promise<void> {
  if (!p.clientIds.length) return;
  await db.delete(agentPresence).where(and(eq(agentPresence.nodeId, p.nodeId), inArray(agentPresence.clientId, p.clientIds)));
}

export async function deletePresenceOfNodes(db: Db, nodeIds: string[]): Promise<number> {
  if (!nodeIds.length) return 0;
  const rows = await db.delete(agentPresence).where(inArray(agentPresence.nodeId, nodeIds)).returning({ c: agentPresence.clientId });
  return rows.length;
}

/** Which live process holds each of these clients (absent: not connected anywhere). */
export async function presenceOf(db: Db, p: { clientIds: string[]; liveNodeIds: string[] }): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!p.clientIds.length || !p.liveNodeIds.length) return out;
  const rows = await db
    .select({ clientId: agentPresence.clientId, nodeId: agentPresence.nodeId })
    .from(agentPresence)
    .where(and(inArray(agentPresence.clientId, p.clientIds), inArray(agentPresence.nodeId, p.liveNodeIds)));
  for (const r of rows) out.set(r.clientId, r.nodeId);
  return out;
}

export async function countPresence(db: Db, liveNodeIds: string[]): Promise<number> {
  if (!liveNodeIds.length) return 0;
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(agentPresence).where(inArray(agentPresence.nodeId, liveNodeIds));
  return Number(r?.n ?? 0);
}

// ---- cross-process messages ----------------------------------------------------------------

export async function notify(db: Db, channel: string, payload: string): Promise<void> {
  await db.execute(sql`select pg_notify(${channel}, ${payload})`);
}

export async function insertRelay(db: Db, payload: unknown, at: Date): Promise<number> {
  const [r] = await db.insert(clusterRelay).values({ payload, createdAt: at }).returning({ id: clusterRelay.id });
  return Number(r!.id);
}

export async function getRelay(db: Db, id: number): Promise<unknown> {
  const [r] = await db.select({ payload: clusterRelay.payload }).from(clusterRelay).where(eq(clusterRelay.id, id));
  return r?.payload;
}

export async function pruneRelay(db: Db, before: Date): Promise<number> {
  const rows = await db.delete(clusterRelay).where(lt(clusterRelay.createdAt, before)).returning({ id: clusterRelay.id });
  return rows.length;
}

// ---- sign-in failures ----------------------------------------------------------------------

export async function addLoginFailures(db: Db, keys: string[], at: Date): Promise<void> {
  if (!keys.length) return;
  await db.insert(loginFailures).values(keys.map((key) => ({ key, at })));
}

export async function countLoginFailures(db: Db, keys: string[], since: Date): Promise<Map<string, number>> {
  const out = new Map<string, number>(keys.map((k) => [k, 0]));
  if (!keys.length) return out;
  const rows = await db
    .select({ key: loginFailures.key, n: sql<number>`count(*)::int` })
    .from(loginFailures)
    .where(and(inArray(loginFailures.key, keys), gte(loginFailures.at, since)))
    .groupBy(loginFailures.key);
  for (const r of rows) out.set(r.key, Number(r.n));
  return out;
}

/** Per key: failures since `since` and when the latest was (for growing delays). */
export async function loginFailureStats(db: Db, keys: string[], since: Date): Promise<Map<string, { count: number; last?: Date }>> {
  const out = new Map<string, { count: number; last?: Date }>(keys.map((k) => [k, { count: 0 }]));
  if (!keys.length) return out;
  const rows = await db
    .select({ key: loginFailures.key, n: sql<number>`count(*)::int`, last: sql<Date | null>`max(${loginFailures.at})`.mapWith(loginFailures.at) })
    .from(loginFailures)
    .where(and(inArray(loginFailures.key, keys), gte(loginFailures.at, since)))
    .groupBy(loginFailures.key);
  for (const r of rows) out.set(r.key, { count: Number(r.n), last: r.last ? new Date(r.last) : undefined });
  return out;
}

export async function clearLoginFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, key));
}

export async function pruneLoginFailures(db: Db, before: Date): Promise<void> {
  await db.delete(loginFailures).where(lt(loginFailures.at, before));
}
