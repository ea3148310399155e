// Stored hunts to the HuntSummary the service hands out, with counts from hunt_clients rows.
import type { HuntClientRecord, HuntRecord } from "@/drizzle";
import type { queries } from "@/drizzle";
import type { HuntClient, HuntClientState, HuntId, HuntOs, HuntState, HuntSummary } from "@/engine/server/contracts";

type Counts = Awaited<ReturnType<typeof queries.huntCounts>> extends Map<string, infer C> ? C : never;

export function toHuntSummary(h: HuntRecord, c: Counts | undefined, now: Date): HuntSummary {
  const req = h.request as { parameters?: Record<string, Record<string, unknown>>; timeoutMs?: number; maxRows?: number; maxUploadBytes?: number };
  const n = c ?? { scheduled: 0, checking: 0, excluded: 0, pending: 0, running: 0, completed: 0, withResults: 0, errors: 0, totalRows: 0, uploadedBytes: 0 };
  return {
    huntId: h.huntId as HuntId,
    description: h.description,
    tags: h.tags,
    creator: h.creator,
    state: h.state as HuntState,
    expired: h.expiresAt.getTime() <= now.getTime(),
    createdAt: h.createdAt,
    startedAt: h.startedAt,
    stoppedAt: h.stoppedAt,
    expiresAt: h.expiresAt,
    clientLimit: h.clientLimit,
    includeLabels: h.includeLabels,
    excludeLabels: h.excludeLabels,
    os: h.os as HuntOs,
    serverCondition: h.serverCondition,
    clientCondition: h.clientCondition,
    clientRate: h.clientRate,
    artifacts: h.artifacts,
    parameters: req.parameters ?? {},
    timeoutMs: req.timeoutMs ?? 0,
    maxRows: req.maxRows ?? 0,
    maxUploadBytes: req.maxUploadBytes ?? 0,
    maxErrorPercent: h.maxErrorPercent,
    maxTotalRows: Number(h.maxTotalRows),
    maxTotalUploadBytes: Number(h.maxTotalUploadBytes),
    stopReason: h.stopReason,
    stats: {
      totalClientsScheduled: n.scheduled,
      checking: n.checking,
      excluded: n.excluded,
      pending: n.pending,
      running: n.running,
      totalFinishedClients: n.completed + n.withResults + n.errors,
      totalClientsWithResults: n.withResults,
      totalClientsWithoutResults: n.completed,
      totalClientsWithErrors: n.errors,
      totalCollectedRows: n.totalRows,
      totalUploadedBytes: n.uploadedBytes,
    },
  };
}

export function toHuntClient(r: HuntClientRecord & { fqdn?: string }): HuntClient {
  return {
    clientId: r.clientId,
    fqdn: r.fqdn ?? "",
    state: r.state as HuntClientState,
    flowId: r.flowId,
    scheduledAt: r.scheduledAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    totalRows: Number(r.totalRows),
    totalUploadedBytes: Number(r.totalUploadedBytes),
    error: r.error,
  };
}

/** The System.Hunt.Creation row: Velociraptor's columns (Hunt as the hunt record). */
export function creationRow(s: HuntSummary, at: Date): Record<string, unknown> {
  return {
    Timestamp: at.toISOString(),
    HuntId: s.huntId,
    Hunt: {
      hunt_id: s.huntId,
      hunt_description: s.description,
      tags: s.tags,
      creator: s.creator,
      state: s.state,
      create_time: s.createdAt.toISOString(),
      expires: s.expiresAt.toISOString(),
      client_limit: s.clientLimit,
      artifacts: s.artifacts,
      parameters: s.parameters,
      condition: { include_labels: s.includeLabels, excluded_labels: s.excludeLabels, os: s.os, server_condition: s.serverCondition, client_condition: s.clientCondition },
      client_rate: s.clientRate,
      max_error_percent: s.maxErrorPercent,
      max_total_rows: s.maxTotalRows,
      max_total_upload_bytes: s.maxTotalUploadBytes,
    },
  };
}
