// Builds the flows service: collect, dispatch (here or through the process holding the agent),
// the ingest writer, reads, cancel, and server-side expiry (one process at a time, under the
// lease `flow-expiry`). The gateway's entry points are returned apart, as `ingress`.
import { queries } from "@/drizzle";
import {
  requirePermission,
  type AgentIngress,
  type AgentPresence,
  type ArtifactSource,
  type AuditService,
  type CompiledCollection,
  type ClientsService,
  type FlowsService,
  type Journal,
  type Leases,
  type LiveTopics,
  type ServiceDeps,
  type ToolsService,
} from "@/engine/server/contracts";
import { startCollect } from "./collect";
import { startFlowDelete } from "./delete";
import { startDispatch } from "./dispatch";
import { startExpiry, type FlowExpiryOptions } from "./expiry";
import { startImportCollection } from "./import-collection";
import { startIngest } from "./ingest";
import { readRequest } from "./request";
import { startFlowReads } from "./read";
import { followScheduled } from "./scheduled";
import { createUploadStore } from "./uploads";

export interface FlowsDeps extends ServiceDeps {
  audit: AuditService;
  journal: Pick<Journal, "append" | "appendFor" | "subscribe">;
  presence: Pick<AgentPresence, "sendLocal" | "online" | "isLocal" | "disconnectLocal">;
  leases: Leases;
  /** Artifact definitions: the repository's CLIENT artifacts (tests pass their own). */
  artifacts: ArtifactSource;
  /** For collectMany({search}). */
  clients: Pick<ClientsService, "searchIds" | "serverHostIds">;
  live: Pick<LiveTopics, "flowChanged">;
  /** The tool inventory: Tool_<name>_* variables for artifacts that declare tools (absent: such a collection is refused). */
  tools?: Pick<ToolsService, "collectionEnv">;
  expiry?: FlowExpiryOptions;
}

export interface StartedFlows extends FlowsService {
  ingress: Pick<AgentIngress, "agentConnected" | "receive">;
}

export function startFlows(deps: FlowsDeps, signal: AbortSignal): StartedFlows {
  const uploads = createUploadStore(deps.config.dataDir);
  const changed = (clientId: string, flowId: string) => deps.live.flowChanged(clientId, flowId);
  const dispatch = startDispatch(deps);
  const reads = startFlowReads(deps, uploads);
  const ingest = startIngest(deps, { journal: deps.journal, uploads, live: deps.live, artifacts: deps.artifacts });
  const expiry = startExpiry(deps, { presence: deps.presence, journal: deps.journal, live: deps.live, sendCancel: dispatch.sendCancel, options: deps.expiry });
  void deps.leases.hold("flow-expiry", (s) => expiry.run(s), signal).catch(() => {});
  followScheduled(deps, signal);
  const deleteFlow = startFlowDelete(deps);
  const importCollection = startImportCollection(deps, { audit: deps.audit, changed });
  const collect = startCollect(deps, { artifacts: deps.artifacts, tools: deps.tools, serverHostIds: (ids) => deps.clients.serverHostIds(ids), dispatch: dispatch.dispatch, changed });

  return {
    async compile(actor, request) {
      return (await collect.prepare(actor, request)) as unknown as CompiledCollection;
    },
    async compileQuery(actor, q) {
      return collect.prepareQuery(actor, q) as unknown as CompiledCollection;
    },
    async collectCompiled(request, flows) {
      await collect.createCompiled(readRequest(request), flows);
    },
    async collect(actor, request) {
      const flow = await collect.collect(actor, request);
      await deps.audit.record(actor, "ScheduleFlow", { client_id: flow.clientId, flow_id: flow.flowId, artifacts: request.artifacts });
      return reads.load(flow.clientId, flow.flowId);
    },
    async collectMany(actor, request) {
      requirePermission(actor, "COLLECT_CLIENT");
      let ids = request.clientIds ?? [];
      if (request.search !== undefined) ids = await deps.clients.searchIds(actor, request.search);
      const flows = await collect.collectMany(actor, { ...request, clientIds: ids });
      await deps.audit.record(actor, "ScheduleFlow", { clients: flows.length, client_ids: flows.slice(0, 100).map((f) => f.clientId), artifacts: request.artifacts });
      return flows.map((f) => ({ clientId: f.clientId, flowId: f.flowId }));
    },
    importCollection,
    async collectable(actor) {
      requirePermission(actor, "READ_RESULTS");
      const list = await deps.artifacts.list();
      return list.filter((d) => (d.type || "CLIENT").toUpperCase() === "CLIENT").sort((a, b) => a.name.localeCompare(b.name));
    },
    async summary(actor, p) {
      requirePermission(actor, "READ_RESULTS");
      return queries.flowStateCounts(deps.database.db, { since: p.since, creator: p.creator });
    },
    list: reads.list,
    get: reads.get,
    results: reads.results,
    resultPages: reads.resultPages,
    firstRows: reads.firstRows,
    logs: reads.logs,
    uploads: reads.uploads,
    uploadFile: reads.uploadFile,
    async delete(actor, clientId, flowId, opts) {
      const items = await deleteFlow(actor, clientId, flowId, opts);
      if (opts.really) changed(clientId, flowId);
      return items;
    },
    async cancel(actor, clientId, flowId) {
      await dispatch.cancel(actor, clientId, flowId, reads.load);
      return reads.load(clientId, flowId);
    },
    drain: ingest.drain,
    async expireOverdue() {
      return (await expiry.expireOverdue()).length;
    },
    withdrawWaiting: expiry.withdrawWaiting,
    ingress: {
      agentConnected: dispatch.agentConnected,
      receive: (clientId, message) => ingest.receive(clientId, message, approxBytes(message)),
    },
  };
}

function approxBytes(m: { type: string } & Record<string, unknown>): number {
  if (m.type === "upload") return String(m.data ?? "").length;
  if (m.type === "rows") return (m.rows as unknown[]).length * 200;
  return 200;
}
