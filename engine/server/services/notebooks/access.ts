// Who may read and edit a notebook: readers (READ_RESULTS) of notebooks they created, were added
// to, or that are public; editors additionally hold NOTEBOOK_EDITOR. The same rule for everyone,
// administrators included, as in Velociraptor.
import { queries, type NotebookRecord } from "@/drizzle";
import { ServiceError, type Principal } from "@/engine/server/contracts";
import type { NotebooksDeps } from "./deps";
import { isNotebookId } from "./ids";

export function isShared(actor: Pick<Principal, "username">, nb: Pick<NotebookRecord, "creator" | "collaborators" | "isPublic">): boolean {
  return nb.isPublic || nb.creator === actor.username || nb.collaborators.includes(actor.username);
}

export function canRead(actor: Principal, nb: NotebookRecord): boolean {
  return actor.permissions.has("READ_RESULTS") && isShared(actor, nb);
}

export function canEdit(actor: Principal, nb: NotebookRecord): boolean {
  return canRead(actor, nb) && actor.permissions.has("NOTEBOOK_EDITOR");
}

async function load(deps: NotebooksDeps, id: string): Promise<NotebookRecord> {
  if (!isNotebookId(id)) throw new ServiceError("not_found", `no notebook ${id}`);
  try {
    return await queries.getNotebookById(deps.database.db, id);
  } catch (err) {
    if ((err as { code?: string }).code === "not_found") throw new ServiceError("not_found", `no notebook ${id}`);
    throw err;
  }
}

/** The notebook, or forbidden ("no access") when it is not shared with the actor. */
export async function loadForRead(deps: NotebooksDeps, actor: Principal, id: string): Promise<NotebookRecord> {
  if (!actor.permissions.has("READ_RESULTS")) throw new ServiceError("forbidden", "this needs the READ_RESULTS permission");
  const nb = await load(deps, id);
  if (!canRead(actor, nb)) {
    await deps.audit.record(actor, "notebook_denied", { notebook: id });
    throw new ServiceError("forbidden", "no access: this notebook is not shared with you");
  }
  return nb;
}

export async function loadForEdit(deps: NotebooksDeps, actor: Principal, id: string): Promise<NotebookRecord> {
  const nb = await loadForRead(deps, actor, id);
  if (!actor.permissions.has("NOTEBOOK_EDITOR")) throw new ServiceError("forbidden", "this needs the NOTEBOOK_EDITOR permission");
  return nb;
}

/** Maps a query's NotFoundError to the service's not_found. */
export async function orNotFound<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if ((err as { code?: string; name?: string }).code === "not_found" && (err as Error).name !== "ServiceError") {
      throw new ServiceError("not_found", (err as Error).message);
    }
    throw err;
  }
}
