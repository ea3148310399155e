// Flows in Velociraptor's shape (ArtifactCollectorContext: snake_case, times in µs) for
// System.Flow.Completion, flows() and the query API. The one place these field names live.
import type { FlowSummary } from "@/engine/server/contracts";

const micros = (d: Date | null) => (d ? d.getTime() * 1000 : 0);

/** Velociraptor's flow record as VQL and automation read it. */
export function flowToVql(f: FlowSummary): Record<string, unknown> {
  const errors = f.sources.filter((s) => s.error).map((s) => `${s.artifact}: ${s.error}`);
  return {
    client_id: f.clientId,
    session_id: f.flowId,
    request: {
      creator: f.creator,
      client_id: f.clientId,
      flow_id: f.flowId,
      artifacts: f.artifacts,
      specs: f.artifacts.map((a) => ({ artifact: a, parameters: { env: Object.entries(f.parameters[a] ?? {}).map(([key, value]) => ({ key, value })) } })),
      timeout: Math.round(f.timeoutMs / 1000),
      max_rows: f.maxRows,
    },
    create_time: micros(f.createdAt),
    start_time: micros(f.startedAt),
    active_time: micros(f.activeAt),
    finish_time: micros(f.finishedAt),
    state: f.state,
    status: f.status,
    errors,
    artifacts_with_results: f.artifactsWithResults,
    total_collected_rows: f.totalRows,
    total_rows: f.totalRows,
    total_logs: f.totalLogs,
    total_uploaded_files: f.totalUploadedFiles,
    total_uploaded_bytes: f.totalUploadedBytes,
    execution_duration: f.startedAt && f.finishedAt ? (f.finishedAt.getTime() - f.startedAt.getTime()) * 1_000_000 : 0,
    query_stats: f.sources.map((s) => ({ Artifact: s.artifact, status: s.state, error_message: s.error, result_rows: s.totalRows, duration: s.durationMs * 1_000_000, truncated: s.truncated })),
  };
}

/** The System.Flow.Completion row: Timestamp (s), ClientId, FlowId, Flow. */
export function completionEvent(f: FlowSummary, at: Date): Record<string, unknown> {
  return { Timestamp: Math.floor(at.getTime() / 1000), ClientId: f.clientId, FlowId: f.flowId, Flow: flowToVql(f) };
}
