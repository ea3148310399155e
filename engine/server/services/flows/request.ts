// The request stored with a flow: what was asked (artifacts, parameters, limits) and the
// compiled sources sent to the agent, so a flow resent after a restart runs the same VQL.
import type { CollectMessage } from "@/engine/protocol";

export interface StoredRequest {
  artifacts: string[];
  /** Parameter values per artifact as given (after defaults). */
  parameters: Record<string, Record<string, unknown>>;
  compiled: CollectMessage["artifacts"];
  timeoutMs: number;
  maxRows: number;
  maxUploadBytes: number;
  permissions: string[];
  creator: string;
  /** Artifacts the sources call as `Artifact.X()` (YAML), sent along for the agent. */
  definitions?: Array<{ name: string; yaml: string }>;
  /** collect_client(urgent=TRUE): the agent starts it ahead of its queued flows. */
  urgent?: boolean;
}

export function readRequest(r: Record<string, unknown>): StoredRequest {
  const q = r as Partial<StoredRequest>;
  return {
    artifacts: q.artifacts ?? [],
    parameters: q.parameters ?? {},
    compiled: q.compiled ?? [],
    timeoutMs: q.timeoutMs ?? 600_000,
    maxRows: q.maxRows ?? 1_000_000,
    maxUploadBytes: q.maxUploadBytes ?? 0,
    permissions: q.permissions ?? [],
    creator: q.creator ?? "",
    ...(q.definitions?.length ? { definitions: q.definitions } : {}),
    ...(q.urgent ? { urgent: true } : {}),
  };
}

export function collectMessage(flowId: string, req: StoredRequest): CollectMessage {
  return {
    type: "collect",
    flowId,
    artifacts: req.compiled,
    timeoutMs: req.timeoutMs,
    maxRows: req.maxRows,
    maxUploadBytes: req.maxUploadBytes,
    permissions: req.permissions,
    creator: req.creator,
    ...(req.definitions?.length ? { definitions: req.definitions } : {}),
    ...(req.urgent ? { urgent: true } : {}),
  };
}
