// A client's key, from its client page: revoke (every hello with it is refused and an open
// connection is closed on every process: here at once, elsewhere through
// Server.Internal.ClientScheduled {ClientId, Disconnect}) and re-key (the next hello with the
// deployment token and a new key re-enrols the same client id; see enrol.ts). Both are
// SERVER_ADMIN and audited. Also the server's own hosts: the client ids of the local agents.
import { queries } from "@/drizzle";
import { CLIENT_SCHEDULED_QUEUE, requirePermission, ServiceError, type AgentPresence, type AuditService, type Journal, type Principal, type ServiceDeps } from "@/engine/server/contracts";

export function startClientKeys(deps: ServiceDeps & { audit: AuditService; journal: Pick<Journal, "appendFor">; presence: Pick<AgentPresence, "disconnectLocal">; nodeId?: string }) {
  const { db } = deps.database;

  /** Closes the client's connection wherever it is. */
  async function disconnect(clientId: string, reason: string) {
    if (deps.presence.disconnectLocal(clientId, reason)) return;
    await deps.journal.appendFor(CLIENT_SCHEDULED_QUEUE, [{ clientId, row: { ClientId: clientId, Disconnect: reason } }]);
  }

  async function setState(actor: Principal, clientId: string, keyState: "revoked" | "rekey", operation: string) {
    requirePermission(actor, "SERVER_ADMIN");
    if (!(await queries.setClientKeyState(db, { clientId, keyState, at: deps.clock.now() }))) throw new ServiceError("not_found", `no client ${clientId}`);
    await deps.audit.record(actor, operation, { client_id: clientId });
    await disconnect(clientId, keyState === "revoked" ? "this client's key was revoked" : "this client was re-keyed");
  }

  return {
    revokeKey: (actor: Principal, clientId: string) => setState(actor, clientId, "revoked", "RevokeClientKey"),
    rekey: (actor: Principal, clientId: string) => setState(actor, clientId, "rekey", "RekeyClient"),
    async recordServerHost(clientId: string) {
      await queries.recordServerHostClient(db, { clientId, nodeId: deps.nodeId ?? "", at: deps.clock.now() });
    },
    serverHostIds: (clientIds: string[]) => queries.serverHostClientIds(db, clientIds),
  };
}
