// killkillkill(): makes a connected agent's process exit so that its service manager starts it
// again (Velociraptor's KillKillKill message). Sent at once when this process holds the agent's
// socket, else through Server.Internal.ClientScheduled {ClientId, Kill} to the process that
// does (flows/scheduled.ts). MACHINE_STATE, as Velociraptor requires; audited (killkillkill).
// Unlike Velociraptor, a kill is not kept for a client that is offline: that is a conflict.
import { CLIENT_SCHEDULED_QUEUE, requirePermission, ServiceError, type AgentPresence, type AuditService, type Journal, type Principal, type ServiceDeps } from "@/engine/server/contracts";

export function startClientKill(deps: ServiceDeps & { audit: AuditService; journal: Pick<Journal, "appendFor">; presence: Pick<AgentPresence, "sendLocal" | "online"> }, mustGet: (clientId: string) => Promise<unknown>) {
  return async function kill(actor: Principal, clientId: string): Promise<void> {
    requirePermission(actor, "MACHINE_STATE");
    await mustGet(clientId);
    const reason = `killkillkill() by ${actor.username}`;
    await deps.audit.record(actor, "killkillkill", { client_id: clientId });
    if (deps.presence.sendLocal(clientId, { type: "kill", reason })) return;
    if (!(await deps.presence.online([clientId])).has(clientId)) throw new ServiceError("conflict", `client ${clientId} is not connected`);
    await deps.journal.appendFor(CLIENT_SCHEDULED_QUEUE, [{ clientId, row: { ClientId: clientId, Kill: reason } }]);
  };
}
