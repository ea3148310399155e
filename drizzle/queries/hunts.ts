// Hunts and their clients: create, read, state changes, the foreman's candidate search and
// pending inserts (ON CONFLICT DO NOTHING on the (hunt, client) key), the manager's moves between
// queues, and counts per queue computed from the stored rows.
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { clients, huntClients, hunts, type HuntClientRecord, type HuntRecord } from "../schema";
import { rowsOf } from "./raw";

export type NewHunt = typeof hunts.$inferInsert;

export async function createHunt(db: Db, h: NewHunt): Promise<HuntRecord> {
  const [row] = await db.insert(hunts).values(h).returning();
  return row!;
}

export async function getHunt(db: Db, huntId: string): Promise<HuntRecord | undefined> {
  const [row] = await db.select().from(hunts).where(eq(hunts.huntId, huntId));
  return row;
}

export async function listHunts(db: Db, p: { offset: number; limit: number; states?: string[] }): Promise<{ items: HuntRecord[]; total: number }> {
  const where = p.states?.length ? inArray(hunts.state, p.states) : undefined;
  const items = await db.select().from(hunts).where(where).orderBy(desc(hunts.createdAt), desc(hunts.huntId)).offset(p.offset).limit(p.limit);
  const [c] = await db.select({ n: sql<number>`count(*)::int` }).from(hunts).where(where);
  return { items, total: Number(c?.n ?? 0) };
}

export async function listRunningHunts(db: Db): Promise<HuntRecord[]> {
  return db.select().from(hunts).where(eq(hunts.state, "RUNNING")).orderBy(asc(hunts.createdAt));
}

export async function updateHunt(db: Db, huntId: string, set: Partial<Pick<HuntRecord, "state" | "description" | "expiresAt" | "startedAt" | "stoppedAt" | "scannedFor" | "tags" | "stopReason">>): Promise<HuntRecord | undefined> {
  const [row] = await db.update(hunts).set(set).where(eq(hunts.huntId, huntId)).returning();
  return row;
}

/** Stops a hunt if it still runs (recording why, when it stopped by itself); true when this call stopped it. */
export async function stopHuntIfRunning(db: Db, huntId: string, at: Date, reason = ""): Promise<boolean> {
  const rows = await db.update(hunts).set({ state: "STOPPED", stoppedAt: at, stopReason: reason }).where(and(eq(hunts.huntId, huntId), eq(hunts.state, "RUNNING"))).returning({ id: hunts.huntId });
  return rows.length > 0;
}

export async function deleteHunt(db: Db, huntId: string): Promise<boolean> {
  const rows = await db.delete(hunts).where(eq(hunts.huntId, huntId)).returning({ id: hunts.huntId });
  return rows.length > 0;
}

export interface HuntCandidate {
  clientId: string;
  hostname: string;
  fqdn: string;
  os: string;
  platform: string;
  release: string;
  architecture: string;
  labels: string[];
  info: Record<string, unknown>;
}

/**
 * Clients that pass a hunt's OS and label filters (labels case-insensitive: any include label,
 * no exclude label) and are not yet in the hunt; among `clientIds` when given, else all, after
 * `afterClientId` in id order (paging the client table).
 */
export interface HuntSelection {
  /** Clients already in this hunt are left out; none when absent (the live estimate). */
  huntId?: string;
  os: string;
  includeLabels: string[];
  excludeLabels: string[];
  clientIds?: string[];
  afterClientId?: string;
}

/** The WHERE clause of a hunt's candidates (the foreman's and the live estimate's). */
function selection(p: HuntSelection) {
  const inc = JSON.stringify(p.includeLabels.map((l) => l.toLowerCase()));
  const exc = JSON.stringify(p.excludeLabels.map((l) => l.toLowerCase()));
  const os = p.os && p.os !== "ALL" ? p.os.toLowerCase() : "";
  const ids = p.clientIds ? JSON.stringify(p.clientIds) : null;
  return sql`c.key_state = 'active'
      and (${ids}::jsonb is null or c.client_id in (select jsonb_array_elements_text(${ids}::jsonb)))
      and c.client_id > ${p.afterClientId ?? ""}
      and (${os} = '' or c.os = ${os})
      and (jsonb_array_length(${inc}::jsonb) = 0 or exists (select 1 from client_labels l where l.client_id = c.client_id and l.label_lower in (select jsonb_array_elements_text(${inc}::jsonb))))
      and not exists (select 1 from client_labels l where l.client_id = c.client_id and l.label_lower in (select jsonb_array_elements_text(${exc}::jsonb)))
      and not exists (select 1 from hunt_clients hc where hc.hunt_id = ${p.huntId ?? ""} and hc.client_id = c.client_id)`;
}

/** The ids of a selection's candidates, in id order after `afterClientId` (the estimate's cheap path). */
export async function huntCandidateIds(db: Db, p: HuntSelection & { limit: number }): Promise<string[]> {
  const result = await db.execute(sql`select c.client_id from clients c where ${selection(p)} order by c.client_id limit ${p.limit}`);
  return rowsOf<{ client_id: string }>(result).map((r) => r.client_id);
}

export async function huntCandidates(db: Db, p: HuntSelection & { limit: number }): Promise<HuntCandidate[]> {
  const result = await db.execute(sql`
    select c.client_id, c.hostname, c.fqdn, c.os, c.platform, c.release, c.architecture, c.info,
      coalesce((select jsonb_agg(l.label order by l.label_lower) from client_labels l where l.client_id = c.client_id), '[]'::jsonb) as labels
    from clients c
    where ${selection(p)}
    order by c.client_id
    limit ${p.limit}`);
  return rowsOf<{ client_id: string; hostname: string; fqdn: string; os: string; platform: string; release: string; architecture: string; info: unknown; labels: unknown }>(result).map((r) => ({
    clientId: r.client_id,
    hostname: r.hostname,
    fqdn: r.fqdn,
    os: r.os,
    platform: r.platform,
    release: r.release,
    architecture: r.architecture,
    info: (typeof r.info === "string" ? JSON.parse(r.info) : r.info) as Record<string, unknown>,
    labels: (typeof r.labels === "string" ? JSON.parse(r.labels) : r.labels) as string[],
  }));
}

/** Inserts pending rows; pairs already present are left alone. Returns the client ids inserted. */
export async function addHuntClients(db: Db, p: { huntId: string; clientIds: string[]; at: Date; state?: string }): Promise<string[]> {
  if (!p.clientIds.length) return [];
  const result = await db.execute(sql`
    insert into hunt_clients (hunt_id, client_id, state, scheduled_at)
    select ${p.huntId}, x, ${p.state ?? "pending"}, ${p.at.toISOString()}::timestamptz
    from jsonb_array_elements_text(${JSON.stringify(p.clientIds)}::jsonb) as x
    on conflict (hunt_id, client_id) do nothing
    returning client_id`);
  return rowsOf<{ client_id: string }>(result).map((r) => r.client_id);
}

/** Inserts clients whose client condition is about to run (state checking, with its flow id); returns those inserted. */
export async function addCheckingHuntClients(db: Db, p: { huntId: string; items: Array<{ clientId: string; conditionFlowId: string }>; at: Date }): Promise<Array<{ clientId: string; conditionFlowId: string }>> {
  if (!p.items.length) return [];
  const result = await db.execute(sql`
    insert into hunt_clients (hunt_id, client_id, state, condition_flow_id, scheduled_at)
    select ${p.huntId}, x.client_id, 'checking', x.flow_id, ${p.at.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(p.items.map((i) => ({ client_id: i.clientId, flow_id: i.conditionFlowId })))}::jsonb) as x(client_id text, flow_id text)
    on conflict (hunt_id, client_id) do nothing
    returning client_id, condition_flow_id`);
  return rowsOf<{ client_id: string; condition_flow_id: string }>(result).map((r) => ({ clientId: r.client_id, conditionFlowId: r.condition_flow_id }));
}

/** Clients still checking whose client-condition flow is not stored (a crash in between). */
export async function huntConditionsWithoutFlow(db: Db, huntId: string): Promise<Array<{ clientId: string; flowId: string }>> {
  const result = await db.execute(sql`
    select h.client_id, h.condition_flow_id from hunt_clients h
    where h.hunt_id = ${huntId} and h.state = 'checking' and h.condition_flow_id is not null
      and not exists (select 1 from flows f where f.flow_id = h.condition_flow_id)`);
  return rowsOf<{ client_id: string; condition_flow_id: string }>(result).map((r) => ({ clientId: r.client_id, flowId: r.condition_flow_id }));
}

/** The checking clients whose client condition ran in these flows. */
export async function huntClientsByConditionFlow(db: Db, flowIds: string[]): Promise<Array<{ huntId: string; clientId: string; conditionFlowId: string }>> {
  if (!flowIds.length) return [];
  const rows = await db
    .select({ huntId: huntClients.huntId, clientId: huntClients.clientId, conditionFlowId: huntClients.conditionFlowId })
    .from(huntClients)
    .where(and(inArray(huntClients.conditionFlowId, flowIds), eq(huntClients.state, "checking")));
  return rows.map((r) => ({ huntId: r.huntId, clientId: r.clientId, conditionFlowId: r.conditionFlowId! }));
}

/** Moves checking clients on: to pending (their condition matched) or excluded (with why). */
export async function settleCheckingHuntClients(db: Db, p: { huntId: string; clientIds: string[]; state: "pending" | "excluded"; error?: string; at: Date }): Promise<string[]> {
  if (!p.clientIds.length) return [];
  const rows = await db
    .update(huntClients)
    .set({ state: p.state, error: p.error ?? "", ...(p.state === "pending" ? { scheduledAt: p.at } : { finishedAt: p.at }) })
    .where(and(eq(huntClients.huntId, p.huntId), inArray(huntClients.clientId, p.clientIds), eq(huntClients.state, "checking")))
    .returning({ id: huntClients.clientId });
  return rows.map((r) => r.id);
}

/** Re-queues a client already in the hunt (hunt_add relaunch): back to pending, flow forgotten. */
export async function requeueHuntClient(db: Db, p: { huntId: string; clientId: string; at: Date }): Promise<boolean> {
  const rows = await db
    .update(huntClients)
    .set({ state: "pending", flowId: null, scheduledAt: p.at, startedAt: null, finishedAt: null, totalRows: 0, totalUploadedBytes: 0, error: "" })
    .where(and(eq(huntClients.huntId, p.huntId), eq(huntClients.clientId, p.clientId)))
    .returning({ id: huntClients.clientId });
  return rows.length > 0;
}

/**
 * Re-runs clients in these states (error) in place: each gets a new flow id and goes back to
 * running with its totals and error cleared (the old flow's late completion no longer matches
 * it). Rows locked (SKIP LOCKED) so a concurrent re-run cannot take the same ones.
 */
export async function rerunHuntClients(db: Db, p: { huntId: string; states: string[]; at: Date; flowIdFor: () => string }): Promise<Array<{ clientId: string; flowId: string }>> {
  if (!p.states.length) return [];
  const picked = rowsOf<{ client_id: string }>(
    await db.execute(sql`
      select client_id from hunt_clients where hunt_id = ${p.huntId} and state in (select jsonb_array_elements_text(${JSON.stringify(p.states)}::jsonb))
      order by scheduled_at, client_id for update skip locked`),
  );
  if (!picked.length) return [];
  const moved = picked.map((r) => ({ clientId: r.client_id, flowId: p.flowIdFor() }));
  await db.execute(sql`
    update hunt_clients h set state = 'running', flow_id = x.flow_id, started_at = ${p.at.toISOString()}::timestamptz,
      finished_at = null, total_rows = 0, total_uploaded_bytes = 0, error = ''
    from jsonb_to_recordset(${JSON.stringify(moved.map((m) => ({ client_id: m.clientId, flow_id: m.flowId })))}::jsonb) as x(client_id text, flow_id text)
    where h.hunt_id = ${p.huntId} and h.client_id = x.client_id`);
  return moved;
}

/**
 * Moves up to `limit` pending clients to running with the flow ids given by `flowIdFor`, oldest
 * first, locking the rows (SKIP LOCKED) so a second mover cannot take the same ones.
 */
export async function takePendingHuntClients(db: Db, p: { huntId: string; limit: number; at: Date; flowIdFor: () => string }): Promise<Array<{ clientId: string; flowId: string }>> {
  if (p.limit <= 0) return [];
  const picked = rowsOf<{ client_id: string }>(
    await db.execute(sql`
      select client_id from hunt_clients where hunt_id = ${p.huntId} and state = 'pending'
      order by scheduled_at, client_id limit ${p.limit} for update skip locked`),
  );
  if (!picked.length) return [];
  const moved = picked.map((r) => ({ clientId: r.client_id, flowId: p.flowIdFor() }));
  await db.execute(sql`
    update hunt_clients h set state = 'running', flow_id = x.flow_id, started_at = ${p.at.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(moved.map((m) => ({ client_id: m.clientId, flow_id: m.flowId })))}::jsonb) as x(client_id text, flow_id text)
    where h.hunt_id = ${p.huntId} and h.client_id = x.client_id`);
  return moved;
}

/** Running clients whose flow is not stored (a crash between the move and the flow's creation). */
export async function huntClientsWithoutFlow(db: Db, huntId: string): Promise<Array<{ clientId: string; flowId: string }>> {
  const result = await db.execute(sql`
    select h.client_id, h.flow_id from hunt_clients h
    where h.hunt_id = ${huntId} and h.state = 'running' and h.flow_id is not null
      and not exists (select 1 from flows f where f.flow_id = h.flow_id)`);
  return rowsOf<{ client_id: string; flow_id: string }>(result).map((r) => ({ clientId: r.client_id, flowId: r.flow_id }));
}

/** Records flow outcomes by flow id (only for clients still running); returns the rows changed. */
export async function finishHuntClients(
  db: Db,
  items: Array<{ flowId: string; state: string; totalRows: number; uploadedBytes: number; error: string; at: Date }>,
): Promise<Array<{ huntId: string; clientId: string; state: string }>> {
  if (!items.length) return [];
  const result = await db.execute(sql`
    update hunt_clients h set state = x.state, total_rows = x.total_rows, total_uploaded_bytes = x.uploaded_bytes, error = x.error, finished_at = x.at
    from jsonb_to_recordset(${JSON.stringify(items.map((i) => ({ flow_id: i.flowId, state: i.state, total_rows: i.totalRows, uploaded_bytes: i.uploadedBytes, error: i.error, at: i.at.toISOString() })))}::jsonb)
      as x(flow_id text, state text, total_rows bigint, uploaded_bytes bigint, error text, at timestamptz)
    where h.flow_id = x.flow_id and h.state = 'running'
    returning h.hunt_id, h.client_id, h.state`);
  return rowsOf<{ hunt_id: string; client_id: string; state: string }>(result).map((r) => ({ huntId: r.hunt_id, clientId: r.client_id, state: r.state }));
}

export interface HuntCounts {
  /** Clients in the hunt's queues (checking and excluded ones are not scheduled). */
  scheduled: number;
  checking: number;
  excluded: number;
  pending: number;
  running: number;
  completed: number;
  withResults: number;
  errors: number;
  totalRows: number;
  uploadedBytes: number;
}

/** Exact counts per queue from the stored rows, for many hunts in one read. */
export async function huntCounts(db: Db, huntIds: string[]): Promise<Map<string, HuntCounts>> {
  const out = new Map<string, HuntCounts>();
  for (const id of huntIds) out.set(id, { scheduled: 0, checking: 0, excluded: 0, pending: 0, running: 0, completed: 0, withResults: 0, errors: 0, totalRows: 0, uploadedBytes: 0 });
  if (!huntIds.length) return out;
  const rows = await db
    .select({ huntId: huntClients.huntId, state: huntClients.state, n: sql<number>`count(*)::int`, r: sql<number>`coalesce(sum(${huntClients.totalRows}), 0)::bigint`, b: sql<number>`coalesce(sum(${huntClients.totalUploadedBytes}), 0)::bigint` })
    .from(huntClients)
    .where(inArray(huntClients.huntId, huntIds))
    .groupBy(huntClients.huntId, huntClients.state);
  for (const r of rows) {
    const c = out.get(r.huntId)!;
    const n = Number(r.n);
    if (r.state === "checking" || r.state === "excluded") {
      if (r.state === "checking") c.checking += n;
      else c.excluded += n;
      continue;
    }
    c.scheduled += n;
    c.totalRows += Number(r.r);
    c.uploadedBytes += Number(r.b);
    if (r.state === "pending") c.pending += n;
    else if (r.state === "running") c.running += n;
    else if (r.state === "completed") c.completed += n;
    else if (r.state === "with_results") c.withResults += n;
    else if (r.state === "error") c.errors += n;
  }
  return out;
}

/** Clients of a hunt in scheduling order (of the given states), each with its client's fqdn. */
export async function listHuntClients(db: Db, p: { huntId: string; states?: string[]; offset: number; limit: number }): Promise<Array<HuntClientRecord & { fqdn: string }>> {
  const where = p.states?.length ? and(eq(huntClients.huntId, p.huntId), inArray(huntClients.state, p.states)) : eq(huntClients.huntId, p.huntId);
  const rows = await db
    .select({ h: huntClients, fqdn: clients.fqdn })
    .from(huntClients)
    .leftJoin(clients, eq(clients.clientId, huntClients.clientId))
    .where(where)
    .orderBy(asc(huntClients.scheduledAt), asc(huntClients.clientId))
    .offset(p.offset)
    .limit(p.limit);
  return rows.map((r) => ({ ...r.h, fqdn: r.fqdn ?? "" }));
}

/** Moves one pending client to running with this flow id (hunt_add starts at once); false when it is not pending. */
export async function startHuntClient(db: Db, p: { huntId: string; clientId: string; flowId: string; at: Date }): Promise<boolean> {
  const rows = await db
    .update(huntClients)
    .set({ state: "running", flowId: p.flowId, startedAt: p.at })
    .where(and(eq(huntClients.huntId, p.huntId), eq(huntClients.clientId, p.clientId), eq(huntClients.state, "pending")))
    .returning({ id: huntClients.clientId });
  return rows.length > 0;
}

/** The hunts these flows belong to (hunt flows and client-condition flows), for live topics. */
export async function huntIdsOfFlows(db: Db, flowIds: string[]): Promise<string[]> {
  if (!flowIds.length) return [];
  const ids = JSON.stringify(flowIds);
  const result = await db.execute(sql`
    select distinct hunt_id from hunt_clients
    where flow_id in (select jsonb_array_elements_text(${ids}::jsonb))
       or condition_flow_id in (select jsonb_array_elements_text(${ids}::jsonb))`);
  return rowsOf<{ hunt_id: string }>(result).map((r) => r.hunt_id);
}

/**
 * Hunt flows still WAITING (never delivered) for clients of hunts that no longer run (stopped,
 * or expired at `now`): what the manager withdraws. A hunt stopped with a reason starting with
 * `keepReasonPrefix` (it reached its client limit: the clients it has are its own) keeps them
 * until it expires. At most `limit`, oldest first.
 */
export async function waitingFlowsOfEndedHunts(db: Db, p: { now: Date; limit: number; keepReasonPrefix: string }): Promise<Array<{ huntId: string; clientId: string; flowId: string }>> {
  const result = await db.execute(sql`
    select hc.hunt_id, hc.client_id, hc.flow_id from hunt_clients hc
    join hunts h on h.hunt_id = hc.hunt_id
    join flows f on f.flow_id = hc.flow_id
    where hc.state = 'running' and f.state = 'WAITING'
      and (h.state = 'STOPPED' or h.expires_at <= ${p.now.toISOString()}::timestamptz)
      and not (h.state = 'STOPPED' and starts_with(h.stop_reason, ${p.keepReasonPrefix}) and h.expires_at > ${p.now.toISOString()}::timestamptz)
    order by f.created_at
    limit ${p.limit}`);
  return rowsOf<{ hunt_id: string; client_id: string; flow_id: string }>(result).map((r) => ({ huntId: r.hunt_id, clientId: r.client_id, flowId: r.flow_id }));
}
