// Deleting stored event rows (delete_events()): one client's (or `server`'s) rows of an event
// artifact's queue (and of its sources' queues, `Artifact/Source`) in [start, end), listed per
// queue and UTC day as Velociraptor lists its day files, and with `really` deleted in one
// transaction with the audit record. Rows are deleted one by one (the journal otherwise only
// drops whole day partitions): this is an operator's rare request, not retention.
import { queries } from "@/drizzle";
import { parseClientId } from "@/engine/protocol";
import { requirePermission, ServiceError, type DeletedItem, type Principal, type ServiceDeps } from "@/engine/server/contracts";

export function startEventDelete(deps: ServiceDeps) {
  const { db } = deps.database;

  return async function deleteEvents(actor: Principal, p: { artifact: string; clientId: string; start?: Date; end?: Date; really: boolean }): Promise<DeletedItem[]> {
    requirePermission(actor, "DELETE_RESULTS");
    const queue = p.artifact.trim();
    if (!queue) throw new ServiceError("bad_request", "artifact is required");
    const clientId = p.clientId === "server" ? "server" : parseClientId(p.clientId);
    if (!clientId) throw new ServiceError("bad_request", `\`${p.clientId}\` is not a client id (or \`server\` for server events)`);
    const range = { queue, clientId, start: p.start ?? new Date(0), end: p.end ?? deps.clock.now() };
    if (range.end.getTime() <= range.start.getTime()) throw new ServiceError("bad_request", "end_time must be after start_time");
    const base = clientId === "server" ? "/server_artifacts" : `/clients/${clientId}/monitoring`;
    const items = (plan: Awaited<ReturnType<typeof queries.eventDeletionPlan>>): DeletedItem[] =>
      plan.map((d) => ({ type: "Events", path: `${base}/${d.queue}/${d.day}.json`, rows: d.rows }));
    if (!p.really) return items(await queries.eventDeletionPlan(db, range));
    return queries.inTransaction(db, async (tx) => {
      const plan = await queries.eventDeletionPlan(tx, range);
      const deleted = await queries.deleteEventRange(tx, range);
      await queries.appendAudit(tx, {
        principal: actor.username,
        operation: "DeleteEvents",
        details: { artifact: queue, client_id: clientId, start_time: range.start.toISOString(), end_time: range.end.toISOString(), rows: deleted },
        at: deps.clock.now(),
      });
      return items(plan);
    });
  };
}
