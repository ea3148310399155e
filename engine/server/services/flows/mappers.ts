// Stored flows to the FlowSummary the flows service hands out.
import type { FlowRecord, FlowSourceRecord } from "@/drizzle";
import type { FlowState, FlowSummary } from "@/engine/server/contracts";
import { readRequest } from "./request";

export function toFlowSummary(f: FlowRecord, sources: FlowSourceRecord[]): FlowSummary {
  const req = readRequest(f.request);
  return {
    flowId: f.flowId,
    clientId: f.clientId,
    creator: f.creator,
    state: f.state as FlowState,
    status: f.status,
    artifacts: req.artifacts,
    parameters: req.parameters,
    timeoutMs: req.timeoutMs,
    maxRows: req.maxRows,
    createdAt: f.createdAt,
    startedAt: f.startedAt,
    activeAt: f.activeAt,
    finishedAt: f.finishedAt,
    totalRows: Number(f.totalRows),
    totalLogs: Number(f.totalLogs),
    totalUploadedFiles: Number(f.totalUploadedFiles),
    totalUploadedBytes: Number(f.totalUploadedBytes),
    artifactsWithResults: [...(f.artifactsWithResults ?? [])].sort(),
    sources: sources
      .filter((s) => s.flowId === f.flowId)
      .map((s) => ({ artifact: s.artifact, state: s.state, totalRows: Number(s.totalRows), error: s.error, truncated: s.truncated, durationMs: Number(s.durationMs), columns: s.columns })),
  };
}
