// Clients: enrolment, last-seen, search, labels, metadata, interrogation results, and the
// deployment token.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { lockClientRows } from "./locks";
import { clientLabels, clients, clientSeqs, deploymentTokens, serverHostClients, type ClientKeyState, type ClientRecord } from "../schema";
import { searchCondition, type ClientSearchTerm } from "./clients-search";

export type ClientWithLabels = ClientRecord & { labels: string[] };

export async function getClient(db: Db, clientId: string): Promise<ClientRecord | undefined> {
  const [row] = await db.select().from(clients).where(eq(clients.clientId, clientId));
  return row;
}

export async function getClientsWithLabels(db: Db, clientIds: string[]): Promise<ClientWithLabels[]> {
  if (clientIds.length === 0) return [];
  const rows = await db.select().from(clients).where(inArray(clients.clientId, clientIds));
  const labels = await labelsOfClients(db, clientIds);
  const byId = new Map(rows.map((r) => [r.clientId, { ...r, labels: labels.get(r.clientId) ?? [] }]));
  return clientIds.map((id) => byId.get(id)).filter((r): r is ClientWithLabels => Boolean(r));
}

/** Inserts a new client; false when it already existed. */
export async function createClient(
  db: Db,
  p: { clientId: string; publicKey: string; agentName: string; agentVersion: string; ip: string; at: Date },
): Promise<boolean> {
  const rows = await db
    .insert(clients)
    .values({ clientId: p.clientId, publicKey: p.publicKey, agentName: p.agentName, agentVersion: p.agentVersion, lastIp: p.ip, firstSeenAt: p.at, lastSeenAt: p.at })
    .onConflictDoNothing({ target: clients.clientId })
    .returning({ id: clients.clientId });
  if (rows.length) await db.insert(clientSeqs).values({ clientId: p.clientId }).onConflictDoNothing({ target: clientSeqs.clientId });
  return rows.length > 0;
}

export async function updateClientOnConnect(db: Db, p: { clientId: string; agentName: string; agentVersion: string; ip: string; at: Date }): Promise<void> {
  await db
    .update(clients)
    .set({ agentName: p.agentName, agentVersion: p.agentVersion, lastIp: p.ip, lastSeenAt: p.at })
    .where(eq(clients.clientId, p.clientId));
}

/**
 * Sets last_seen_at for many clients in one statement. Rows another transaction holds locked
 * (an ingest batch of that agent, which sets it itself) are skipped rather than waited for.
 */
export async function touchClients(db: Db, clientIds: string[], at: Date): Promise<void> {
  if (clientIds.length === 0) return;
  await db.execute(sql`
    update clients c set last_seen_at = greatest(c.last_seen_at, ${at.toISOString()}::timestamptz)
    from (select client_id from clients where client_id in (select jsonb_array_elements_text(${JSON.stringify(clientIds)}::jsonb)) order by client_id for update skip locked) s
    where c.client_id = s.client_id`);
}

export async function searchClients(
  db: Db,
  p: { terms: ClientSearchTerm[]; onlineNodeIds?: string[]; offset: number; limit: number },
): Promise<{ rows: ClientWithLabels[]; total: number }> {
  const where = searchCondition(p.terms, p.onlineNodeIds);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(clients).where(where);
  const page = await db
    .select({ id: clients.clientId })
    .from(clients)
    .where(where)
    .orderBy(asc(sql`lower(${clients.hostname})`), asc(clients.clientId))
    .offset(p.offset)
    .limit(p.limit);
  return { rows: await getClientsWithLabels(db, page.map((r) => r.id)), total: Number(count?.n ?? 0) };
}

export async function labelsOfClients(db: Db, clientIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (clientIds.length === 0) return out;
  const rows = await db
    .select({ clientId: clientLabels.clientId, label: clientLabels.label })
    .from(clientLabels)
    .where(inArray(clientLabels.clientId, clientIds))
    .orderBy(asc(clientLabels.labelLower));
  for (const r of rows) {
    const list = out.get(r.clientId) ?? [];
    list.push(r.label);
    out.set(r.clientId, list);
  }
  return out;
}

/** Adds labels (as typed) to clients; returns the [clientId, label] pairs that were new. */
export async function addClientLabels(db: Db, clientIds: string[], labels: string[], at: Date): Promise<Array<{ clientId: string; label: string }>> {
  if (!clientIds.length || !labels.length) return [];
  const values = clientIds.flatMap((clientId) => labels.map((label) => ({ clientId, label, labelLower: label.toLowerCase(), createdAt: at })));
  await lockClientRows(db, [...new Set(clientIds)].sort());
  const added = await db.insert(clientLabels).values(values).onConflictDoNothing().returning({ clientId: clientLabels.clientId, label: clientLabels.label });
  const touched = [...new Set(added.map((a) => a.clientId))];
  if (touched.length) await db.update(clients).set({ labelsUpdatedAt: at }).where(inArray(clients.clientId, touched));
  return added;
}

/** The ids among `clientIds` that no client has (labelling them would break the labels' foreign key). */
export async function missingClients(db: Db, clientIds: string[]): Promise<string[]> {
  if (!clientIds.length) return [];
  const found = new Set((await db.select({ clientId: clients.clientId }).from(clients).where(inArray(clients.clientId, clientIds))).map((r) => r.clientId));
  return clientIds.filter((id) => !found.has(id));
}

/** Removes labels (compared lower-cased); returns the [clientId, label] pairs removed. */
export async function removeClientLabels(db: Db, clientIds: string[], labels: string[], at: Date): Promise<Array<{ clientId: string; label: string }>> {
  if (!clientIds.length || !labels.length) return [];
  await lockClientRows(db, [...new Set(clientIds)].sort());
  const removed = await db
    .delete(clientLabels)
    .where(and(inArray(clientLabels.clientId, clientIds), inArray(clientLabels.labelLower, labels.map((l) => l.toLowerCase()))))
    .returning({ clientId: clientLabels.clientId, label: clientLabels.label });
  const touched = [...new Set(removed.map((a) => a.clientId))];
  if (touched.length) await db.update(clients).set({ labelsUpdatedAt: at }).where(inArray(clients.clientId, touched));
  return removed;
}

export async function labelCounts(db: Db): Promise<Array<{ label: string; count: number }>> {
  const rows = await db
    .select({ label: sql<string>`min(${clientLabels.label})`, count: sql<number>`count(*)::int` })
    .from(clientLabels)
    .groupBy(clientLabels.labelLower)
    .orderBy(asc(clientLabels.labelLower));
  return rows.map((r) => ({ label: r.label, count: Number(r.count) }));
}

/** Merges `set` into the client's metadata and deletes `remove`; returns the new metadata. */
export async function updateClientMetadata(db: Db, clientId: string, set: Record<string, string>, remove: string[]): Promise<Record<string, string> | undefined> {
  const rows = await db
    .update(clients)
    .set({
      metadata: sql`(${clients.metadata} || ${JSON.stringify(set)}::jsonb) - (select coalesce(array_agg(v), '{}'::text[]) from jsonb_array_elements_text(${JSON.stringify(remove)}::jsonb) as r(v))`,
    })
    .where(eq(clients.clientId, clientId))
    .returning({ metadata: clients.metadata });
  return rows[0]?.metadata;
}

export interface ClientInterrogation {
  clientId: string;
  flowId: string;
  hostname: string;
  fqdn: string;
  os: string;
  platform: string;
  release: string;
  architecture: string;
  ipAddresses: string[];
  macAddresses: string[];
  info: Record<string, unknown>;
}

/** Fills many client records from their interrogations in one statement (locked in id order). */
export async function recordClientInterrogations(db: Db, rows: ClientInterrogation[], at: Date): Promise<void> {
  if (!rows.length) return;
  await lockClientRows(db, [...new Set(rows.map((r) => r.clientId))].sort());
  const json = JSON.stringify(
    rows.map((r) => ({ c: r.clientId, f: r.flowId, h: r.hostname, q: r.fqdn, o: r.os, p: r.platform, r: r.release, a: r.architecture, i: r.ipAddresses, m: r.macAddresses, n: r.info })),
  );
  await db.execute(sql`
    update clients c set hostname = x.h, fqdn = x.q, os = x.o, platform = x.p, release = x.r, architecture = x.a,
      ip_addresses = x.i, mac_addresses = x.m, info = x.n, last_interrogate_flow_id = x.f, last_interrogated_at = ${at.toISOString()}::timestamptz
    from jsonb_to_recordset(${json}::jsonb) as x(c text, f text, h text, q text, o text, p text, r text, a text, i jsonb, m jsonb, n jsonb)
    where c.client_id = x.c`);
}

export async function getActiveDeploymentToken(db: Db): Promise<string | undefined> {
  const [row] = await db.select({ token: deploymentTokens.token }).from(deploymentTokens).where(isNull(deploymentTokens.revokedAt)).orderBy(asc(deploymentTokens.id)).limit(1);
  return row?.token;
}

export async function createDeploymentToken(db: Db, token: string): Promise<string> {
  await db.insert(deploymentTokens).values({ token }).onConflictDoNothing();
  return (await getActiveDeploymentToken(db)) ?? token;
}

export async function countClients(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(clients);
  return Number(row?.n ?? 0);
}

/** Clients never interrogated that have no interrogation flow open (to resume after a restart). */
export async function listUninterrogatedClients(db: Db, creator: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: clients.clientId })
    .from(clients)
    .where(
      sql`${clients.lastInterrogateFlowId} = '' and not exists (select 1 from flows f where f.client_id = ${clients.clientId} and f.creator = ${creator} and f.state not in ('FINISHED', 'ERROR', 'CANCELLED', 'TIMEOUT'))`,
    )
    .orderBy(asc(clients.firstSeenAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** The ids among `clientIds` not interrogated yet and with no interrogation under way. */
export async function filterUninterrogated(db: Db, creator: string, clientIds: string[]): Promise<string[]> {
  if (!clientIds.length) return [];
  const rows = await db
    .select({ id: clients.clientId })
    .from(clients)
    .where(
      sql`${clients.clientId} in (select jsonb_array_elements_text(${JSON.stringify(clientIds)}::jsonb)) and ${clients.lastInterrogateFlowId} = '' and not exists (select 1 from flows f where f.client_id = ${clients.clientId} and f.creator = ${creator} and f.state not in ('FINISHED', 'ERROR', 'CANCELLED', 'TIMEOUT'))`,
    );
  return rows.map((r) => r.id);
}

/** The ids among `clientIds` that exist. */
export async function existingClientIds(db: Db, clientIds: string[]): Promise<string[]> {
  if (!clientIds.length) return [];
  const rows = await db
    .select({ id: clients.clientId })
    .from(clients)
    .where(sql`${clients.clientId} in (select jsonb_array_elements_text(${JSON.stringify(clientIds)}::jsonb))`);
  return rows.map((r) => r.id);
}

/** Every client id matching a search (for collections on a search result). */
export async function searchClientIds(db: Db, p: { terms: ClientSearchTerm[]; limit: number }): Promise<string[]> {
  const rows = await db.select({ id: clients.clientId }).from(clients).where(searchCondition(p.terms)).orderBy(asc(clients.clientId)).limit(p.limit);
  return rows.map((r) => r.id);
}

/** Clients by id with their keys and acknowledged seqs (agent hellos, batched). */
export async function getClientsForHello(db: Db, clientIds: string[]): Promise<Map<string, { publicKey: string; keyState: ClientKeyState; ackedSeq: number }>> {
  const out = new Map<string, { publicKey: string; keyState: ClientKeyState; ackedSeq: number }>();
  if (!clientIds.length) return out;
  const rows = await db
    .select({ id: clients.clientId, publicKey: clients.publicKey, keyState: clients.keyState, acked: sql<number>`coalesce(${clientSeqs.ackedSeq}, 0)` })
    .from(clients)
    .leftJoin(clientSeqs, eq(clientSeqs.clientId, clients.clientId))
    .where(sql`${clients.clientId} in (select jsonb_array_elements_text(${JSON.stringify(clientIds)}::jsonb))`);
  for (const r of rows) out.set(r.id, { publicKey: r.publicKey, keyState: r.keyState, ackedSeq: Number(r.acked) });
  return out;
}

/** Sets a client's key state (revoke, re-key); false when there is no such client. */
export async function setClientKeyState(db: Db, p: { clientId: string; keyState: ClientKeyState; at: Date }): Promise<boolean> {
  const rows = await db.update(clients).set({ keyState: p.keyState, keyChangedAt: p.at }).where(eq(clients.clientId, p.clientId)).returning({ id: clients.clientId });
  return rows.length > 0;
}

/** A re-keyed client's new key: stored only while the client waits for one (key state rekey). */
export async function acceptClientRekey(db: Db, p: { clientId: string; publicKey: string; at: Date }): Promise<boolean> {
  const rows = await db
    .update(clients)
    .set({ publicKey: p.publicKey, keyState: "active", keyChangedAt: p.at })
    .where(and(eq(clients.clientId, p.clientId), eq(clients.keyState, "rekey")))
    .returning({ id: clients.clientId });
  return rows.length > 0;
}

/** Records a client id as one of the server's own hosts (a local agent). */
export async function recordServerHostClient(db: Db, p: { clientId: string; nodeId: string; at: Date }): Promise<void> {
  await db
    .insert(serverHostClients)
    .values({ clientId: p.clientId, nodeId: p.nodeId, recordedAt: p.at })
    .onConflictDoUpdate({ target: serverHostClients.clientId, set: { nodeId: p.nodeId, recordedAt: p.at } });
}

/** Which of these clients are a server's own host. */
export async function serverHostClientIds(db: Db, clientIds: string[]): Promise<Set<string>> {
  if (!clientIds.length) return new Set();
  const rows = await db.select({ id: serverHostClients.clientId }).from(serverHostClients).where(inArray(serverHostClients.clientId, clientIds));
  return new Set(rows.map((r) => r.id));
}

/** Inserts new clients; returns the ids that were created (not already there). */
export async function createClients(db: Db, rows: Array<{ clientId: string; publicKey: string; agentName: string; agentVersion: string; ip: string; at: Date }>): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const created = await db
    .insert(clients)
    .values(rows.map((p) => ({ clientId: p.clientId, publicKey: p.publicKey, agentName: p.agentName, agentVersion: p.agentVersion, lastIp: p.ip, firstSeenAt: p.at, lastSeenAt: p.at })))
    .onConflictDoNothing({ target: clients.clientId })
    .returning({ id: clients.clientId });
  if (created.length) await db.insert(clientSeqs).values(created.map((r) => ({ clientId: r.id }))).onConflictDoNothing({ target: clientSeqs.clientId });
  return new Set(created.map((r) => r.id));
}

/** Records many reconnects in one statement: agent software, address, last seen. */
export async function updateClientsOnConnect(db: Db, rows: Array<{ clientId: string; agentName: string; agentVersion: string; ip: string }>, at: Date): Promise<void> {
  if (!rows.length) return;
  await db.transaction(async (tx) => {
    await lockClientRows(tx as unknown as Db, [...new Set(rows.map((r) => r.clientId))].sort());
    await updateConnected(tx as unknown as Db, rows, at);
  });
}

async function updateConnected(db: Db, rows: Array<{ clientId: string; agentName: string; agentVersion: string; ip: string }>, at: Date): Promise<void> {
  await db
    .update(clients)
    .set({
      agentName: sql`x.agent_name`,
      agentVersion: sql`x.agent_version`,
      lastIp: sql`x.ip`,
      lastSeenAt: at,
    })
    .from(sql`jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ client_id: r.clientId, agent_name: r.agentName, agent_version: r.agentVersion, ip: r.ip })))}::jsonb) as x(client_id text, agent_name text, agent_version text, ip text)`)
    .where(sql`${clients.clientId} = x.client_id`);
}

/** The first client (by id) whose hostname is `hostname`, case-insensitively (import_collection()'s client for a hostname). */
export async function clientIdByHostname(db: Db, hostname: string): Promise<string | undefined> {
  const [row] = await db
    .select({ id: clients.clientId })
    .from(clients)
    .where(sql`lower(${clients.hostname}) = lower(${hostname})`)
    .orderBy(asc(clients.clientId))
    .limit(1);
  return row?.id;
}
