// What deleting collections removes, shared by delete_flow() (services/flows) and client_delete()
// (services/clients): the items Velociraptor lists for a collection (uploads, the log, results
// per source, the collection record) and the removal of uploads still kept as files under the
// data dir (before uploads moved into the database), after the deleting transaction commits.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { FlowDeletionPlan } from "@/drizzle";
import type { DeletedItem, ServiceDeps } from "@/engine/server/contracts";

/** The items of a flow's deletion, in Velociraptor's order: uploads, the log, results, the collection. */
export function flowItems(p: FlowDeletionPlan): DeletedItem[] {
  const base = `/clients/${p.clientId}`;
  return [
    ...p.uploads.map((u) => ({ type: "Upload", path: `${base}/collections/${p.flowId}/uploads/${u.name}` })),
    ...(p.logs ? [{ type: "Log", path: `${base}/collections/${p.flowId}/logs`, rows: p.logs }] : []),
    ...p.results.map((r) => ({ type: "Result", path: `${base}/artifacts/${r.artifact}/${p.flowId}`, rows: r.rows })),
    { type: "CollectionContext", path: `${base}/collections/${p.flowId}` },
  ];
}

/** Removes uploads stored as files (best effort: a file already gone is fine, other errors are logged). */
export async function removeLegacyFiles(deps: ServiceDeps, plans: FlowDeletionPlan[]): Promise<void> {
  for (const u of plans.flatMap((p) => p.uploads).filter((x) => x.storedPath)) {
    await rm(join(deps.config.dataDir, u.storedPath), { force: true }).catch((err: Error) => deps.log.warn("could not remove a deleted flow's upload file", { path: u.storedPath, error: err.message }));
  }
}
