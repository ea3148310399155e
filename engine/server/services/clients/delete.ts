// Deleting a client (client_delete()): what it removes, as Velociraptor's DeleteClient lists a
// client's files (each flow's, then labels, metadata, the file-browser cache, event rows and
// logs, the client record), and with `really` the deletion: one transaction that locks the
// client row first (a second process deleting it finds nothing), deletes the flows' data and
// everything about the client, and writes the audit record. After the commit the client's
// connection is closed wherever it is; an agent that connects again enrols like a new one.
import { queries, type ClientDeletionPlan, type FlowDeletionPlan } from "@/drizzle";
import { parseClientId } from "@/engine/protocol";
import { CLIENT_SCHEDULED_QUEUE, requirePermission, ServiceError, type AgentPresence, type DeletedItem, type Journal, type Principal, type ServiceDeps } from "@/engine/server/contracts";
import { flowItems, removeLegacyFiles } from "../../mappers/flow-deletion";

function clientItems(c: ClientDeletionPlan, flows: FlowDeletionPlan[]): DeletedItem[] {
  const base = `/clients/${c.clientId}`;
  return [
    ...flows.flatMap(flowItems),
    ...(c.labels ? [{ type: "Labels", path: `${base}/labels`, rows: c.labels }] : []),
    ...(c.metadataKeys ? [{ type: "Metadata", path: `${base}/metadata`, rows: c.metadataKeys }] : []),
    ...(c.vfsEntries ? [{ type: "VFS", path: `${base}/vfs`, rows: c.vfsEntries }] : []),
    ...c.events.map((e) => ({ type: "Events", path: `${base}/monitoring/${e.queue}`, rows: e.rows })),
    ...(c.eventLogs ? [{ type: "MonitoringLogs", path: `${base}/monitoring_logs`, rows: c.eventLogs }] : []),
    { type: "Client", path: base },
  ];
}

export function startClientDelete(deps: ServiceDeps & { journal: Pick<Journal, "appendFor">; presence: Pick<AgentPresence, "disconnectLocal"> }) {
  const { db } = deps.database;

  async function plan(tx: typeof db, clientId: string, lock: boolean) {
    const c = await queries.clientDeletionPlan(tx, clientId, { lock });
    if (!c) throw new ServiceError("not_found", `no client ${clientId}`);
    const flows = await queries.flowDeletionPlans(tx, clientId, await queries.clientFlowIds(tx, clientId));
    return { c, flows };
  }

  return async function deleteClient(actor: Principal, clientId: string, opts: { really: boolean }): Promise<DeletedItem[]> {
    requirePermission(actor, "DELETE_RESULTS");
    requirePermission(actor, "SERVER_ADMIN");
    const id = parseClientId(clientId);
    if (!id) throw new ServiceError("bad_request", `\`${clientId}\` is not a client id (C. followed by 16 hex digits)`);
    if (!opts.really) {
      const p = await plan(db, id, false);
      return clientItems(p.c, p.flows);
    }
    const p = await queries.inTransaction(db, async (tx) => {
      const found = await plan(tx, id, true);
      await queries.deleteFlows(tx, found.flows.map((f) => f.flowId));
      await queries.deleteClient(tx, id);
      await queries.appendAudit(tx, { principal: actor.username, operation: "client_delete", details: { client_id: id, flows: found.flows.length }, at: deps.clock.now() });
      return found;
    });
    await removeLegacyFiles(deps, p.flows);
    const reason = "this client was deleted";
    if (!deps.presence.disconnectLocal(id, reason)) await deps.journal.appendFor(CLIENT_SCHEDULED_QUEUE, [{ clientId: id, row: { ClientId: id, Disconnect: reason } }]);
    return clientItems(p.c, p.flows);
  };
}
