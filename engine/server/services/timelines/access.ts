// Who may touch a notebook's super-timelines: whoever may read the notebook, by the notebooks
// service's rule (services/notebooks/access.ts: READ_RESULTS and the notebook created by, shared
// with the caller, or public); deleting also needs NOTEBOOK_EDITOR. Restated here, not imported,
// because services do not import each other's implementation.
import { queries } from "@/drizzle";
import { ServiceError, type Principal } from "@/engine/server/contracts";

export async function requireNotebook(db: Parameters<typeof queries.getNotebookById>[0], actor: Principal, notebookId: string): Promise<void> {
  if (!actor.permissions.has("READ_RESULTS")) throw new ServiceError("forbidden", "this needs the READ_RESULTS permission");
  if (typeof notebookId !== "string" || !notebookId) throw new ServiceError("bad_request", "Notebook ID must be specified");
  let nb;
  try {
    nb = await queries.getNotebookById(db, notebookId);
  } catch (err) {
    if ((err as { code?: string }).code === "not_found") throw new ServiceError("not_found", `no notebook ${notebookId}`);
    throw err;
  }
  const shared = nb.isPublic || nb.creator === actor.username || nb.collaborators.includes(actor.username);
  if (!shared) throw new ServiceError("forbidden", "no access: this notebook is not shared with you");
}

/** A super-timeline's or component's name: 1 to 200 characters. */
export function checkName(what: string, v: unknown): string {
  if (typeof v !== "string" || v === "") throw new ServiceError("bad_request", `a ${what} name is required`);
  if (v.length > 200) throw new ServiceError("bad_request", `a ${what} name is at most 200 characters`);
  return v;
}
