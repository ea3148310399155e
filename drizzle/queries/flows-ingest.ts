// Batched writes of agent data: one statement per kind of data for a whole batch of messages
// from many agents, inside the caller's transaction. Rows go in as one JSON array expanded
// server-side (jsonb_to_recordset), not row by row through the query builder.
import { inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { clientSeqs, flowSources, flows, type FlowRecord } from "../schema";
import type { FINAL_FLOW_STATES } from "./flows";
import { rowsOf } from "./raw";

export interface IngestRow {
  flowId: string;
  artifact: string;
  ordinal: number;
  row: Record<string, unknown>;
}

export interface IngestLog {
  flowId: string;
  ordinal: number;
  at: string;
  level: string;
  message: string;
  artifact: string;
}

export interface IngestSource {
  flowId: string;
  artifact: string;
  columns: string[];
  addRows: number;
  state?: string;
  error?: string;
  truncated?: boolean;
  durationMs?: number;
}

export interface IngestFlow {
  flowId: string;
  addRows: number;
  addLogs: number;
  addUploadFiles: number;
  addUploadBytes: number;
  withResults: string[];
  activeAt: string;
  startedAt?: string;
}

export interface IngestUpload {
  flowId: string;
  uploadId: string;
  name: string;
  size: number;
  sha256: string;
  storedPath: string;
  artifact: string;
}

export interface IngestFinal {
  flowId: string;
  state: (typeof FINAL_FLOW_STATES)[number];
  status: string;
  at: string;
}

export interface IngestBatch {
  rows: IngestRow[];
  logs: IngestLog[];
  sources: IngestSource[];
  flows: IngestFlow[];
  uploads: IngestUpload[];
  finals: IngestFinal[];
  acks: Array<{ clientId: string; seq: number }>;
  /** When the batch was stored (the agents' last-seen time). */
  at: string;
}


/** Current acknowledged seq of each client. */
export async function getAckedSeqs(db: Db, clientIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!clientIds.length) return out;
  const rows = await db.select({ clientId: clientSeqs.clientId, acked: clientSeqs.ackedSeq }).from(clientSeqs).where(inArray(clientSeqs.clientId, clientIds));
  for (const r of rows) out.set(r.clientId, Number(r.acked));
  return out;
}

/** The flows a batch touches, with their per-source row counts (the next ordinals). */
export async function getFlowsForIngest(db: Db, flowIds: string[]): Promise<{ flows: Map<string, FlowRecord>; sourceRows: Map<string, { rows: number; columns: string[] }> }> {
  const out = { flows: new Map<string, FlowRecord>(), sourceRows: new Map<string, { rows: number; columns: string[] }>() };
  if (!flowIds.length) return out;
  for (const f of await db.select().from(flows).where(inArray(flows.flowId, flowIds))) out.flows.set(f.flowId, f);
  const sources = await db
    .select({ flowId: flowSources.flowId, artifact: flowSources.artifact, rows: flowSources.totalRows, columns: flowSources.columns })
    .from(flowSources)
    .where(inArray(flowSources.flowId, flowIds));
  for (const s of sources) out.sourceRows.set(`${s.flowId}\u0000${s.artifact}`, { rows: Number(s.rows), columns: s.columns });
  return out;
}

/** Writes one batch; returns the flows that this batch moved into a final state. */
export async function writeIngestBatch(db: Db, b: IngestBatch): Promise<FlowRecord[]> {
  if (b.rows.length) {
    await db.execute(sql`
      insert into flow_results (flow_id, artifact, ordinal, row)
      select x.flow_id, x.artifact, x.ordinal, x.row
      from jsonb_to_recordset(${JSON.stringify(b.rows.map((r) => ({ flow_id: r.flowId, artifact: r.artifact, ordinal: r.ordinal, row: r.row })))}::jsonb)
        as x(flow_id text, artifact text, ordinal bigint, row jsonb)
      on conflict do nothing`);
  }
  if (b.logs.length) {
    await db.execute(sql`
      insert into flow_logs (flow_id, ordinal, at, level, message, artifact)
      select x.flow_id, x.ordinal, x.at, x.level, x.message, x.artifact
      from jsonb_to_recordset(${JSON.stringify(b.logs.map((l) => ({ flow_id: l.flowId, ordinal: l.ordinal, at: l.at, level: l.level, message: l.message, artifact: l.artifact })))}::jsonb)
        as x(flow_id text, ordinal bigint, at timestamptz, level text, message text, artifact text)
      on conflict do nothing`);
  }
  if (b.sources.length) {
    await db.execute(sql`
      insert into flow_sources as s (flow_id, artifact, columns, total_rows, state, error, truncated, duration_ms)
      select x.flow_id, x.artifact, x.columns, x.add_rows, coalesce(x.state, 'running'), coalesce(x.error, ''), coalesce(x.truncated, false), coalesce(x.duration_ms, 0)
      from jsonb_to_recordset(${JSON.stringify(
        b.sources.map((s) => ({ flow_id: s.flowId, artifact: s.artifact, columns: s.columns, add_rows: s.addRows, state: s.state ?? null, error: s.error ?? null, truncated: s.truncated ?? null, duration_ms: s.durationMs ?? null })),
      )}::jsonb)
        as x(flow_id text, artifact text, columns jsonb, add_rows bigint, state text, error text, truncated boolean, duration_ms bigint)
      on conflict (flow_id, artifact) do update set
        columns = excluded.columns,
        total_rows = s.total_rows + excluded.total_rows,
        state = case when excluded.state <> 'running' then excluded.state else s.state end,
        error = case when excluded.error <> '' then excluded.error else s.error end,
        truncated = s.truncated or excluded.truncated,
        duration_ms = greatest(s.duration_ms, excluded.duration_ms)`);
  }
  if (b.flows.length) {
    await db.execute(sql`
      update flows f set
        total_rows = f.total_rows + x.add_rows,
        total_logs = f.total_logs + x.add_logs,
        total_uploaded_files = f.total_uploaded_files + x.add_upload_files,
        total_uploaded_bytes = f.total_uploaded_bytes + x.add_upload_bytes,
        artifacts_with_results = (
          select coalesce(jsonb_agg(distinct v), '[]'::jsonb)
          from jsonb_array_elements_text(f.artifacts_with_results || x.with_results) as a(v)),
        active_at = greatest(coalesce(f.active_at, x.active_at), x.active_at),
        started_at = coalesce(f.started_at, x.started_at),
        state = case when f.state = 'WAITING' and x.started_at is not null then 'RUNNING' else f.state end
      from jsonb_to_recordset(${JSON.stringify(
        b.flows.map((f) => ({
          flow_id: f.flowId,
          add_rows: f.addRows,
          add_logs: f.addLogs,
          add_upload_files: f.addUploadFiles,
          add_upload_bytes: f.addUploadBytes,
          with_results: f.withResults,
          active_at: f.activeAt,
          started_at: f.startedAt ?? null,
        })),
      )}::jsonb)
        as x(flow_id text, add_rows bigint, add_logs bigint, add_upload_files int, add_upload_bytes bigint, with_results jsonb, active_at timestamptz, started_at timestamptz)
      where f.flow_id = x.flow_id`);
  }
  if (b.uploads.length) {
    await db.execute(sql`
      insert into flow_uploads (flow_id, upload_id, name, size, sha256, stored_path, artifact)
      select x.flow_id, x.upload_id, x.name, x.size, x.sha256, x.stored_path, x.artifact
      from jsonb_to_recordset(${JSON.stringify(
        b.uploads.map((u) => ({ flow_id: u.flowId, upload_id: u.uploadId, name: u.name, size: u.size, sha256: u.sha256, stored_path: u.storedPath, artifact: u.artifact })),
      )}::jsonb)
        as x(flow_id text, upload_id text, name text, size bigint, sha256 text, stored_path text, artifact text)
      on conflict do nothing`);
  }
  let finalized: FlowRecord[] = [];
  if (b.finals.length) {
    // Only flows not yet final move: this is what makes each completion happen once.
    const moved = rowsOf<{ flow_id: string }>(
      await db.execute(sql`
        update flows f set state = x.state, status = x.status, finished_at = x.at
        from jsonb_to_recordset(${JSON.stringify(b.finals.map((f) => ({ flow_id: f.flowId, state: f.state, status: f.status, at: f.at })))}::jsonb)
          as x(flow_id text, state text, status text, at timestamptz)
        where f.flow_id = x.flow_id and f.state not in ('FINISHED', 'ERROR', 'CANCELLED', 'TIMEOUT')
        returning f.flow_id`),
    ).map((r) => r.flow_id);
    if (moved.length) finalized = await db.select().from(flows).where(inArray(flows.flowId, moved));
  }
  if (b.acks.length) {
    await db.execute(sql`
      update client_seqs c set acked_seq = greatest(c.acked_seq, x.seq)
      from jsonb_to_recordset(${JSON.stringify(b.acks.map((a) => ({ client_id: a.clientId, seq: a.seq })))}::jsonb) as x(client_id text, seq bigint)
      where c.client_id = x.client_id`);
  }
  return finalized;
}
