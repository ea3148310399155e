// Builds the clients service from its parts: enrolment, reads, labels/metadata, interrogation
// results.
import type { AgentConnections, AuditService, ClientsService, EventsService, ServiceDeps } from "../types";
import { startEnrolment } from "./enrol";
import { startInterrogationRecord } from "./interrogation-record";
import { startLabels } from "./labels";
import { startClientReads } from "./read";

export function startClients(
  deps: ServiceDeps,
  p: {
    audit: AuditService;
    events: EventsService;
    agents: Pick<AgentConnections, "isConnected" | "connectedIds">;
    signal: AbortSignal;
    /** Labels or metadata of these clients changed (live UI updates). */
    onChange?(clientIds: string[], what: "labels" | "metadata"): void;
  },
): ClientsService & { flushTouches(): Promise<void> } {
  const enrol = startEnrolment(deps, p.signal);
  const reads = startClientReads(deps, p.agents);
  const labels = startLabels(deps, p.audit, p.events, reads.mustGet, p.onChange);
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
    agentHello: enrol.agentHello,
    touch: enrol.touch,
    recordInterrogation: startInterrogationRecord(deps),
    onEnrolled: enrol.onEnrolled,
    flushTouches: enrol.flushTouches,
  };
}
