// Deleting a flow (delete_flow()): what it removes, as Velociraptor's DeleteFlow lists the files
// of a collection (results per source, the log, uploads, the collection record), and with
// `really` the deletion, in one transaction that locks the flow row first (two processes
// deleting the same flow: the second finds nothing) and writes the audit record with it.
// Uploads kept as files under the data dir (before uploads moved into the database) are
// removed after the commit.
import { queries, type FlowDeletionPlan } from "@/drizzle";
import { parseClientId, parseFlowId } from "@/engine/protocol";
import { requirePermission, ServiceError, type DeletedItem, type Principal, type ServiceDeps } from "@/engine/server/contracts";
import { flowItems, removeLegacyFiles } from "../../mappers/flow-deletion";

export function startFlowDelete(deps: ServiceDeps) {
  const { db } = deps.database;

  return async function deleteFlow(actor: Principal, clientId: string, flowId: string, opts: { really: boolean }): Promise<DeletedItem[]> {
    requirePermission(actor, "DELETE_RESULTS");
    const c = parseClientId(clientId);
    const f = parseFlowId(flowId);
    if (!c) throw new ServiceError("bad_request", `\`${clientId}\` is not a client id`);
    if (!f) throw new ServiceError("bad_request", `\`${flowId}\` is not a flow id`);
    const plan = async (tx = db, lock = false) => {
      const [p] = await queries.flowDeletionPlans(tx, c, [f], { lock });
      if (!p) throw new ServiceError("not_found", `no flow ${f} on client ${c}`);
      if (p.state === "WAITING" || p.state === "RUNNING") throw new ServiceError("conflict", `flow ${f} is ${p.state}: cancel it before deleting it`);
      return p;
    };
    if (!opts.really) return flowItems(await plan());
    const done = await queries.inTransaction(db, async (tx) => {
      const p = await plan(tx, true);
      await queries.deleteFlows(tx, [p.flowId]);
      await queries.appendAudit(tx, { principal: actor.username, operation: "delete_flow", details: { client_id: c, flow_id: f }, at: deps.clock.now() });
      return p;
    });
    await removeLegacyFiles(deps, [done]);
    return flowItems(done);
  };
}
