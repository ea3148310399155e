// Flows: create, read, list, state changes, and paged reads of results, logs and uploads.
// Batched writes of agent data live in flows-ingest.ts.
import { and, asc, desc, eq, inArray, notInArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "./raw";
import { NotFoundError } from "../errors";
import { flowLogs, flowResults, flowSources, flows, flowUploads, type FlowLogRecord, type FlowRecord, type FlowSourceRecord, type FlowUploadRecord } from "../schema";

export const FINAL_FLOW_STATES = ["FINISHED", "ERROR", "CANCELLED", "TIMEOUT"] as const;

export async function createFlow(
  db: Db,
  p: { flowId: string; clientId: string; creator: string; request: Record<string, unknown>; at: Date },
): Promise<FlowRecord> {
  const [row] = await db.insert(flows).values({ flowId: p.flowId, clientId: p.clientId, creator: p.creator, request: p.request, state: "WAITING", createdAt: p.at }).returning();
  return row!;
}

export async function getFlow(db: Db, clientId: string, flowId: string): Promise<FlowRecord> {
  const [row] = await db.select().from(flows).where(and(eq(flows.flowId, flowId), eq(flows.clientId, clientId)));
  if (!row) throw new NotFoundError(`no flow ${flowId} on client ${clientId}`);
  return row;
}

export async function getFlowSources(db: Db, flowIds: string[]): Promise<FlowSourceRecord[]> {
  if (!flowIds.length) return [];
  return db.select().from(flowSources).where(inArray(flowSources.flowId, flowIds)).orderBy(asc(flowSources.flowId), asc(flowSources.artifact));
}

/** A client's flows, newest first; with `artifact`, only those that collected it (the Shell tab's history). */
export async function listFlows(db: Db, p: { clientId: string; offset: number; limit: number; artifact?: string }): Promise<{ rows: FlowRecord[]; total: number }> {
  const where = p.artifact ? and(eq(flows.clientId, p.clientId), sql`${flows.request}->'artifacts' @> ${JSON.stringify([p.artifact])}::jsonb`) : eq(flows.clientId, p.clientId);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(flows).where(where);
  const rows = await db.select().from(flows).where(where).orderBy(desc(flows.createdAt), desc(flows.flowId)).offset(p.offset).limit(p.limit);
  return { rows, total: Number(count?.n ?? 0) };
}

/** Flows of a client that are not in a final state (to send, resend or reconcile on connect). */
export async function listOpenFlows(db: Db, clientId: string): Promise<FlowRecord[]> {
  return db
    .select()
    .from(flows)
    .where(and(eq(flows.clientId, clientId), notInArray(flows.state, [...FINAL_FLOW_STATES])))
    .orderBy(asc(flows.createdAt));
}

export async function setFlowCancelRequested(db: Db, flowId: string): Promise<void> {
  await db.update(flows).set({ cancelRequested: true }).where(eq(flows.flowId, flowId));
}

/**
 * Moves a flow that is not final yet into a final state; returns it when this call did it (so
 * the caller publishes its completion exactly once), undefined when it was already final.
 */
export async function finalizeFlow(db: Db, p: { flowId: string; state: (typeof FINAL_FLOW_STATES)[number]; status: string; at: Date }): Promise<FlowRecord | undefined> {
  const [row] = await db
    .update(flows)
    .set({ state: p.state, status: p.status, finishedAt: p.at })
    .where(and(eq(flows.flowId, p.flowId), notInArray(flows.state, [...FINAL_FLOW_STATES])))
    .returning();
  return row;
}

/** The first row of each (flow, source) asked for, in one statement. */
export async function readFirstRows(db: Db, wanted: Array<{ flowId: string; artifact: string }>): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!wanted.length) return out;
  const rows = rowsOf<{ flow_id: string; artifact: string; row: Record<string, unknown> }>(
    await db.execute(sql`
      select r.flow_id, r.artifact, r.row from flow_results r
      join jsonb_to_recordset(${JSON.stringify(wanted.map((w) => ({ f: w.flowId, a: w.artifact })))}::jsonb) as x(f text, a text) on r.flow_id = x.f and r.artifact = x.a
      where r.ordinal = 0`),
  );
  for (const r of rows) out.set(`${r.flow_id}\u0000${r.artifact}`, typeof r.row === "string" ? JSON.parse(r.row) : r.row);
  return out;
}

export async function readFlowResults(
  db: Db,
  p: { flowId: string; artifact: string; offset: number; limit: number },
): Promise<Array<Record<string, unknown>>> {
  const rows = await db
    .select({ row: flowResults.row })
    .from(flowResults)
    .where(and(eq(flowResults.flowId, p.flowId), eq(flowResults.artifact, p.artifact), sql`${flowResults.ordinal} >= ${p.offset}`))
    .orderBy(asc(flowResults.ordinal))
    .limit(p.limit);
  return rows.map((r) => r.row as Record<string, unknown>);
}

export async function readFlowLogs(db: Db, p: { flowId: string; offset: number; limit: number }): Promise<FlowLogRecord[]> {
  return db
    .select()
    .from(flowLogs)
    .where(and(eq(flowLogs.flowId, p.flowId), sql`${flowLogs.ordinal} >= ${p.offset}`))
    .orderBy(asc(flowLogs.ordinal))
    .limit(p.limit);
}

/** How many ERROR lines a flow's log has, and the first of them. */
export async function flowLogErrors(db: Db, flowId: string): Promise<{ count: number; first?: FlowLogRecord }> {
  const errorsOf = and(eq(flowLogs.flowId, flowId), eq(flowLogs.level, "ERROR"));
  const [counted] = await db.select({ n: sql<number>`count(*)::int` }).from(flowLogs).where(errorsOf);
  const count = Number(counted?.n ?? 0);
  if (!count) return { count };
  const [first] = await db.select().from(flowLogs).where(errorsOf).orderBy(asc(flowLogs.ordinal)).limit(1);
  return first ? { count, first } : { count };
}

export async function listFlowUploads(db: Db, flowId: string): Promise<FlowUploadRecord[]> {
  return db.select().from(flowUploads).where(eq(flowUploads.flowId, flowId)).orderBy(asc(flowUploads.createdAt), asc(flowUploads.uploadId));
}

export async function getFlowUpload(db: Db, flowId: string, uploadId: string): Promise<FlowUploadRecord> {
  const [row] = await db.select().from(flowUploads).where(and(eq(flowUploads.flowId, flowId), eq(flowUploads.uploadId, uploadId)));
  if (!row) throw new NotFoundError(`no upload ${uploadId} in flow ${flowId}`);
  return row;
}

/**
 * Creates many WAITING flows of one request in one statement: the request is sent once and the
 * ids as one JSON array (a bulk collection on 10,000 clients is one small statement).
 */
export async function createFlows(db: Db, p: { flows: Array<{ flowId: string; clientId: string }>; creator: string; request: Record<string, unknown>; at: Date }): Promise<void> {
  if (!p.flows.length) return;
  await db.execute(sql`
    insert into flows (flow_id, client_id, creator, request, state, created_at)
    select x.flow_id, x.client_id, ${p.creator}, ${JSON.stringify(p.request)}::jsonb, 'WAITING', ${p.at.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(p.flows.map((f) => ({ flow_id: f.flowId, client_id: f.clientId })))}::jsonb) as x(flow_id text, client_id text)
    on conflict (flow_id) do nothing`);
}

/** Flow counts by state and stored rows, for flows created at or after `since` (by `creator`). */
export async function flowStateCounts(db: Db, p: { since: Date; creator?: string }): Promise<{ byState: Record<string, number>; totalRows: number; total: number }> {
  const rows = await db
    .select({ state: flows.state, n: sql<number>`count(*)::int`, r: sql<number>`coalesce(sum(${flows.totalRows}), 0)::bigint` })
    .from(flows)
    // A Date in a raw fragment is not serialised by postgres.js under drizzle: pass ISO text.
    .where(p.creator === undefined ? sql`${flows.createdAt} >= ${p.since.toISOString()}::timestamptz` : sql`${flows.createdAt} >= ${p.since.toISOString()}::timestamptz and ${flows.creator} = ${p.creator}`)
    .groupBy(flows.state);
  const byState: Record<string, number> = {};
  let totalRows = 0;
  let total = 0;
  for (const r of rows) {
    byState[r.state] = Number(r.n);
    total += Number(r.n);
    totalRows += Number(r.r);
  }
  return { byState, totalRows, total };
}

/** Open flows of many clients in one query (reconnects, batched). */
export async function listOpenFlowsOf(db: Db, clientIds: string[]): Promise<FlowRecord[]> {
  if (!clientIds.length) return [];
  return db
    .select()
    .from(flows)
    .where(and(sql`${flows.clientId} in (select jsonb_array_elements_text(${JSON.stringify(clientIds)}::jsonb))`, notInArray(flows.state, [...FINAL_FLOW_STATES])))
    .orderBy(asc(flows.createdAt));
}
