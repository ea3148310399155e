// Deleting stored data on request (delete_flow(), client_delete(), delete_events()): what a
// deletion would remove, counted, and the deletion itself, each a few plain statements run in
// the caller's transaction. A flow's rows, logs and uploads have no foreign key to the flow
// (they are written in bulk), so they are deleted by flow id before the flow; a client's flows,
// labels and file-browser cache follow the client row by ON DELETE CASCADE.
import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "./raw";

export interface FlowDeletionPlan {
  flowId: string;
  clientId: string;
  state: string;
  /** Each source that stored rows, with how many. */
  results: Array<{ artifact: string; rows: number }>;
  logs: number;
  uploads: Array<{ uploadId: string; name: string; storedPath: string }>;
}

/** What deleting these flows of one client would remove (flows of another client are left out). */
export async function flowDeletionPlans(db: Db, clientId: string, flowIds: string[], opts: { lock?: boolean } = {}): Promise<FlowDeletionPlan[]> {
  if (!flowIds.length) return [];
  const ids = sql`array[${sql.join(flowIds.map((f) => sql`${f}`), sql`, `)}]::text[]`;
  const flows = rowsOf<{ flow_id: string; client_id: string; state: string }>(
    await db.execute(sql`select flow_id, client_id, state from flows where client_id = ${clientId} and flow_id = any(${ids}) order by created_at, flow_id ${opts.lock ? sql`for update` : sql``}`),
  );
  if (!flows.length) return [];
  const found = sql`array[${sql.join(flows.map((f) => sql`${f.flow_id}`), sql`, `)}]::text[]`;
  const results = rowsOf<{ flow_id: string; artifact: string; rows: string | number }>(
    await db.execute(sql`select flow_id, artifact, count(*) as rows from flow_results where flow_id = any(${found}) group by flow_id, artifact order by flow_id, artifact`),
  );
  const logs = rowsOf<{ flow_id: string; n: string | number }>(await db.execute(sql`select flow_id, count(*) as n from flow_logs where flow_id = any(${found}) group by flow_id`));
  const uploads = rowsOf<{ flow_id: string; upload_id: string; name: string; stored_path: string }>(
    await db.execute(sql`select flow_id, upload_id, name, stored_path from flow_uploads where flow_id = any(${found}) order by flow_id, created_at, upload_id`),
  );
  return flows.map((f) => ({
    flowId: f.flow_id,
    clientId: f.client_id,
    state: f.state,
    results: results.filter((r) => r.flow_id === f.flow_id).map((r) => ({ artifact: r.artifact, rows: Number(r.rows) })),
    logs: Number(logs.find((l) => l.flow_id === f.flow_id)?.n ?? 0),
    uploads: uploads.filter((u) => u.flow_id === f.flow_id).map((u) => ({ uploadId: u.upload_id, name: u.name, storedPath: u.stored_path })),
  }));
}

/** The ids of a client's flows, oldest first. */
export async function clientFlowIds(db: Db, clientId: string): Promise<string[]> {
  return rowsOf<{ flow_id: string }>(await db.execute(sql`select flow_id from flows where client_id = ${clientId} order by created_at, flow_id`)).map((r) => r.flow_id);
}

/** Deletes flows with their rows, logs, uploads (and their stored pieces) and sources. */
export async function deleteFlows(db: Db, flowIds: string[]): Promise<void> {
  if (!flowIds.length) return;
  const ids = sql`array[${sql.join(flowIds.map((f) => sql`${f}`), sql`, `)}]::text[]`;
  await db.execute(sql`delete from flow_results where flow_id = any(${ids})`);
  await db.execute(sql`delete from flow_logs where flow_id = any(${ids})`);
  await db.execute(sql`delete from flow_upload_parts where flow_id = any(${ids})`);
  await db.execute(sql`delete from flow_uploads where flow_id = any(${ids})`);
  await db.execute(sql`delete from flow_sources where flow_id = any(${ids})`);
  await db.execute(sql`delete from flows where flow_id = any(${ids})`);
}

export interface ClientDeletionPlan {
  clientId: string;
  labels: number;
  metadataKeys: number;
  vfsEntries: number;
  /** Journal events about the client, by queue. */
  events: Array<{ queue: string; rows: number }>;
  eventLogs: number;
}

/** What deleting the client would remove besides its flows; undefined when there is no such client. */
export async function clientDeletionPlan(db: Db, clientId: string, opts: { lock?: boolean } = {}): Promise<ClientDeletionPlan | undefined> {
  const [c] = rowsOf<{ keys: string | number }>(
    await db.execute(sql`select (select count(*) from jsonb_object_keys(metadata)) as keys from clients where client_id = ${clientId} ${opts.lock ? sql`for update` : sql``}`),
  );
  if (!c) return undefined;
  const count = async (q: ReturnType<typeof sql>) => Number(rowsOf<{ n: string | number }>(await db.execute(q))[0]?.n ?? 0);
  const labels = await count(sql`select count(*) as n from client_labels where client_id = ${clientId}`);
  const vfsEntries = await count(sql`select (select count(*) from vfs_entries where client_id = ${clientId}) + (select count(*) from vfs_downloads where client_id = ${clientId}) as n`);
  const eventLogs = await count(sql`select count(*) as n from event_logs where client_id = ${clientId}`);
  const events = rowsOf<{ queue: string; rows: string | number }>(await db.execute(sql`select queue, count(*) as rows from events where client_id = ${clientId} group by queue order by queue`));
  return { clientId, labels, metadataKeys: Number(c.keys), vfsEntries, events: events.map((e) => ({ queue: e.queue, rows: Number(e.rows) })), eventLogs };
}

/**
 * Deletes the client row (its labels, file-browser cache and flow records cascade), its seq and
 * presence rows, its journal events and event-query logs. Its flows' data is deleteFlows()'s.
 */
export async function deleteClient(db: Db, clientId: string): Promise<boolean> {
  await db.execute(sql`delete from events where client_id = ${clientId}`);
  await db.execute(sql`delete from event_logs where client_id = ${clientId}`);
  await db.execute(sql`delete from client_seqs where client_id = ${clientId}`);
  await db.execute(sql`delete from agent_presence where client_id = ${clientId}`);
  await db.execute(sql`delete from server_host_clients where client_id = ${clientId}`);
  const gone = rowsOf<{ client_id: string }>(await db.execute(sql`delete from clients where client_id = ${clientId} returning client_id`));
  return gone.length > 0;
}

export interface EventRange {
  /** The queue (`Artifact` or `Artifact/Source`); `Artifact` also takes its sources' queues. */
  queue: string;
  clientId: string;
  start: Date;
  end: Date;
}

function rangeWhere(p: EventRange) {
  return sql`(queue = ${p.queue} or queue like ${`${p.queue.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`}) and client_id = ${p.clientId} and at >= ${p.start.toISOString()}::timestamptz and at < ${p.end.toISOString()}::timestamptz`;
}

/** A queue's events of one client in [start, end), counted by queue and UTC day. */
export async function eventDeletionPlan(db: Db, p: EventRange): Promise<Array<{ queue: string; day: string; rows: number }>> {
  const rows = rowsOf<{ queue: string; day: string; rows: string | number }>(
    await db.execute(sql`
      select queue, to_char(at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*) as rows from events
      where ${rangeWhere(p)} group by 1, 2 order by 1, 2`),
  );
  return rows.map((r) => ({ queue: r.queue, day: r.day, rows: Number(r.rows) }));
}

/** Deletes those events; returns how many. */
export async function deleteEventRange(db: Db, p: EventRange): Promise<number> {
  const rows = rowsOf<{ n: string | number }>(await db.execute(sql`with d as (delete from events where ${rangeWhere(p)} returning 1) select count(*) as n from d`));
  return Number(rows[0]?.n ?? 0);
}
