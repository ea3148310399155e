// Builds the clients service from its parts: enrolment, reads, labels/metadata, the server's
// own metadata, interrogation results, client keys, killkillkill and the server's own hosts. The gateway's entry points (hello, last seen) are
// returned apart, as `ingress`.
import type { AgentIngress, AgentPresence, AuditService, ClientsService, Journal, ServiceDeps } from "@/engine/server/contracts";
import { startClientDelete } from "./delete";
import { startEnrolment } from "./enrol";
import { startInterrogationRecord } from "./interrogation-record";
import { startClientKeys } from "./keys";
import { startClientKill } from "./kill";
import { startLabels } from "./labels";
import { startClientReads } from "./read";
import { startServerMetadata } from "./server-metadata";

export interface ClientsDeps extends ServiceDeps {
  audit: AuditService;
  journal: Pick<Journal, "append" | "appendFor">;
  presence: Pick<AgentPresence, "online" | "liveNodeIds" | "disconnectLocal" | "sendLocal">;
  /** This process's cluster node id (recorded with the server's own hosts). */
  nodeId?: string;
}

export interface StartedClients extends ClientsService {
  ingress: Pick<AgentIngress, "agentHello" | "touch">;
  /** Writes the last-seen times gathered so far (shutdown). */
  flushTouches(): Promise<void>;
}

export function startClients(deps: ClientsDeps, signal: AbortSignal): StartedClients {
  const enrol = startEnrolment(deps, signal);
  const reads = startClientReads(deps, deps.presence);
  const labels = startLabels(deps, reads.mustGet);
  const server = startServerMetadata(deps);
  const keys = startClientKeys(deps);
  return {
    deploymentToken: enrol.deploymentToken,
    ensureDeploymentToken: enrol.ensureDeploymentToken,
    search: reads.search,
    searchIds: reads.searchIds,
    get: reads.get,
    labelsInUse: reads.labelsInUse,
    label: labels.label,
    hasLabels: labels.hasLabels,
    metadata: labels.metadata,
    setMetadata: labels.setMetadata,
    serverMetadata: server.serverMetadata,
    setServerMetadata: server.setServerMetadata,
    recordInterrogations: startInterrogationRecord(deps),
    revokeKey: keys.revokeKey,
    rekey: keys.rekey,
    kill: startClientKill(deps, reads.mustGet),
    delete: startClientDelete(deps),
    recordServerHost: keys.recordServerHost,
    serverHostIds: keys.serverHostIds,
    ingress: { agentHello: enrol.agentHello, touch: enrol.touch },
    flushTouches: enrol.flushTouches,
  };
}
