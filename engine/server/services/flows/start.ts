// Builds the flows service: collect, dispatch, the single ingest writer, reads, cancel.
import { queries, type FlowRecord } from "../../../../drizzle";
import { requirePermission, type AgentConnections, type ArtifactSource, type AuditService, type EventsService, type FlowsService, type Principal, type ServiceDeps } from "../types";
import { startCollect } from "./collect";
import { startDispatch } from "./dispatch";
import { startIngest } from "./ingest";
import { startFlowReads } from "./read";
import { createUploadStore } from "./uploads";
import { startExpiry, type FlowExpiryOptions } from "./expiry";
import { createWriteLock } from "./write-lock";

export interface FlowsOptions {
  agents: AgentConnections;
  events: EventsService;
  audit: AuditService;
  /** Artifact definitions (the repository, once wired; tests pass their own). */
  artifacts?: () => ArtifactSource | undefined;
  /** A flow changed: live updates for browsers. */
  onChange?(clientId: string, flowId: string): void;
  /** Client ids matching a search (the clients service's syntax), for collectMany({search}). */
  searchClientIds(actor: Principal, search: string): Promise<string[]>;
  /** Server-side deadlines (expiry.ts); the periodic check runs until `signal` aborts. */
  expiry?: FlowExpiryOptions;
  signal?: AbortSignal;
}

export function startFlows(deps: ServiceDeps, o: FlowsOptions): FlowsService & { onCompleted(listener: (flows: FlowRecord[]) => void): () => void } {
  const uploads = createUploadStore(deps.config.dataDir);
  const listeners = new Set<(flows: FlowRecord[]) => void>();
  const changed = (clientId: string, flowId: string) => o.onChange?.(clientId, flowId);
  const completed = (flows: FlowRecord[]) => {
    for (const l of listeners) {
      try {
        l(flows);
      } catch (err) {
        deps.log.error("flow completion listener failed", { error: (err as Error).message });
      }
    }
  };
  const lock = createWriteLock();
  const dispatch = startDispatch(deps, { agents: o.agents, events: o.events, audit: o.audit, lock, changed, completed });
  const reads = startFlowReads(deps, uploads);
  const ingest = startIngest(deps, { events: o.events, uploads, hooks: { changed, completed }, lock });
  const expiry = startExpiry(deps, { agents: o.agents, events: o.events, lock, changed, completed, options: o.expiry });
  if (o.signal) void expiry.run(o.signal).catch((err) => deps.log.error("flow expiry stopped", { error: (err as Error).message }));
  const collect = startCollect(deps, {
    get artifacts() {
      return o.artifacts?.();
    },
    dispatch: dispatch.dispatch,
    changed,
  });

  return {
    async collect(actor, request) {
      const flow = await collect.collect(actor, request);
      await o.audit.record(actor, "ScheduleFlow", { client_id: flow.clientId, flow_id: flow.flowId, artifacts: request.artifacts });
      return reads.load(flow.clientId, flow.flowId);
    },
    async collectMany(actor, request) {
      requirePermission(actor, "COLLECT_CLIENT");
      let ids = request.clientIds ?? [];
      if (request.search !== undefined) ids = await o.searchClientIds(actor, request.search);
      const flows = await collect.collectMany(actor, { ...request, clientIds: ids });
      await o.audit.record(actor, "ScheduleFlow", { clients: flows.length, client_ids: flows.slice(0, 100).map((f) => f.clientId), artifacts: request.artifacts });
      return flows.map((f) => ({ clientId: f.clientId, flowId: f.flowId }));
    },
    async collectable(actor) {
      requirePermission(actor, "READ_RESULTS");
      const list = (await o.artifacts?.()?.list?.()) ?? [];
      return list.filter((d) => (d.type || "CLIENT").toUpperCase() === "CLIENT").sort((a, b) => a.name.localeCompare(b.name));
    },
    async summary(actor, p) {
      requirePermission(actor, "READ_RESULTS");
      return queries.flowStateCounts(deps.database.db, { since: p.since, creator: p.creator });
    },
    list: reads.list,
    get: reads.get,
    results: reads.results,
    logs: reads.logs,
    uploads: reads.uploads,
    uploadFile: reads.uploadFile,
    async cancel(actor, clientId, flowId) {
      await dispatch.cancel(actor, clientId, flowId, reads.load);
      return reads.load(clientId, flowId);
    },
    agentConnected: dispatch.agentConnected,
    receive: (clientId, message) => ingest.receive(clientId, message, approxBytes(message)),
    drain: ingest.drain,
    async expireOverdue() {
      return (await expiry.expireOverdue()).length;
    },
    onCompleted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function approxBytes(m: { type: string } & Record<string, unknown>): number {
  if (m.type === "upload") return String(m.data ?? "").length;
  if (m.type === "rows") return (m.rows as unknown[]).length * 200;
  return 200;
}

