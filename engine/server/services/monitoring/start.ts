// Builds the monitoring service: the two event tables (tables.ts), client event tables sent to
// this process's agents (client-table.ts), event query logs and states, and send_event(). The
// gateway's entry point is returned apart, as `ingress`. The server event table's runner is
// started apart (startServerEvents) after the query runner, whose builtins call this service.
import { queries } from "@/drizzle";
import { parseClientId } from "@/engine/protocol";
import {
  ServiceError,
  requirePermission,
  type AccountsService,
  type AgentIngress,
  type AgentPresence,
  type ArtifactsService,
  type AuditService,
  type Journal,
  type MonitoringService,
  type ServiceDeps,
} from "@/engine/server/contracts";
import { startClientTable } from "./client-table";
import { startEventDelete } from "./delete-events";
import { startTables } from "./tables";

export interface MonitoringDeps extends ServiceDeps {
  audit: AuditService;
  journal: Pick<Journal, "append" | "subscribe">;
  artifacts: Pick<ArtifactsService, "get">;
  accounts: Pick<AccountsService, "principalFor">;
  presence: Pick<AgentPresence, "sendLocal" | "isLocal" | "localClientIds">;
}

export interface StartedMonitoring extends MonitoringService {
  ingress: Pick<AgentIngress, "eventTableConnected">;
}

export function startMonitoring(deps: MonitoringDeps, signal: AbortSignal): StartedMonitoring {
  const { db } = deps.database;
  const tables = startTables(deps);
  const clientTable = startClientTable(deps, signal);

  return {
    serverTable: tables.serverTable,
    setServerTable: tables.setServerTable,
    addServerArtifact: tables.addServerArtifact,
    removeServerArtifact: tables.removeServerArtifact,
    async serverStatus(actor) {
      requirePermission(actor, "READ_RESULTS");
      const rows = await queries.listServerEventStatus(db);
      return rows.map((r) => ({ ...r, startedAt: r.startedAt ?? undefined, lastRowAt: r.lastRowAt ?? undefined }));
    },
    clientTable: tables.clientTable,
    setClientTable: tables.setClientTable,
    addClientArtifact: tables.addClientArtifact,
    removeClientArtifact: tables.removeClientArtifact,
    async clientArtifacts(actor, clientId) {
      requirePermission(actor, "READ_RESULTS");
      const id = parseClientId(clientId);
      if (!id) throw new ServiceError("bad_request", `\`${clientId}\` is not a client id`);
      const labels = await queries.labelsOfClients(db, [id]);
      return clientTable.artifactsOf(labels.get(id) ?? []);
    },
    async logs(actor, p) {
      requirePermission(actor, "READ_RESULTS");
      const rows = await queries.readEventLogs(db, { ...p, limit: Math.min(Math.max(1, p.limit), 100_000) });
      return rows.map((r) => ({ at: r.at, clientId: r.clientId, artifact: r.artifact, level: r.level, message: r.message }));
    },
    async sendEvent(actor, p) {
      if (!actor.permissions.has("SERVER_ADMIN") && !actor.permissions.has("PUBLISH")) throw new ServiceError("forbidden", "send_event needs the SERVER_ADMIN or PUBLISH permission");
      const base = p.artifact.split("/")[0]!;
      const a = deps.artifacts.get(base, { exact: true });
      if (!a) throw new ServiceError("not_found", `no artifact named ${base}: an event queue is created by its artifact`);
      if (a.type !== "SERVER_EVENT" && a.type !== "CLIENT_EVENT") throw new ServiceError("bad_request", `${a.name} is a ${a.type} artifact; send_event publishes only to SERVER_EVENT and CLIENT_EVENT queues`);
      let clientId = "server";
      if (a.type === "CLIENT_EVENT") {
        const id = parseClientId(p.clientId ?? "");
        if (!id) throw new ServiceError("bad_request", `${a.name} is a CLIENT_EVENT queue: give the client_id the event is about`);
        clientId = id;
      } else if (p.clientId && p.clientId !== "server") throw new ServiceError("bad_request", `${a.name} is a SERVER_EVENT queue: its client id is \`server\``);
      const row = a.type === "CLIENT_EVENT" ? { ...p.row, ClientId: clientId } : p.row;
      await deps.journal.append(p.artifact, [{ ...row, _ts: deps.clock.now().getTime() / 1000 }], { clientId });
    },
    deleteEvents: startEventDelete(deps),
    ingress: { eventTableConnected: clientTable.eventTableConnected },
  };
}
