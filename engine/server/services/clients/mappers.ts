// Stored client rows to the ClientSummary services hand out.
import type { queries } from "@/drizzle";
import type { ClientSummary } from "@/engine/server/contracts";

export function toClientSummary(r: queries.ClientWithLabels, online: boolean): ClientSummary {
  return {
    clientId: r.clientId,
    hostname: r.hostname,
    fqdn: r.fqdn,
    os: r.os,
    platform: r.platform,
    release: r.release,
    architecture: r.architecture,
    ipAddresses: r.ipAddresses ?? [],
    macAddresses: r.macAddresses ?? [],
    agentName: r.agentName,
    agentVersion: r.agentVersion,
    firstSeenAt: r.firstSeenAt,
    lastSeenAt: r.lastSeenAt,
    lastIp: r.lastIp,
    online,
    labels: r.labels,
    metadata: r.metadata ?? {},
    lastInterrogateFlowId: r.lastInterrogateFlowId,
    lastInterrogatedAt: r.lastInterrogatedAt,
    keyState: r.keyState,
  };
}
