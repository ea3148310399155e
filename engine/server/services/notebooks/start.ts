// Builds the notebooks service from its parts: notebook and cell operations, the run queue
// (notebook workers), result reading, exports, templates and live collaboration. At start,
// runs left "running" by a previous process are marked interrupted.
import { queries } from "../../../../drizzle";
import type { WsRoute } from "../../ws/router";
import { requirePermission, ServiceError } from "../types";
import { startCellOps } from "./cells";
import { startCollab, type Collab } from "./collab";
import { DEFAULT_NOTEBOOK_OPTIONS, type NotebookOptions, type NotebooksDeps } from "./deps";
import { registerTopicAuthorizer } from "./events";
import { notebookHtml } from "./export-html";
import type { NotebooksService } from "./model";
import { fileSafe, startNotebookOps } from "./notebooks";
import { startResultOps } from "./results";
import { startRunQueue } from "./run-queue";
import { listTemplates } from "./templates";

export interface StartedNotebooks extends NotebooksService {
  /** /api/ws/collab, for engine.wsRoutes. */
  collabRoute: WsRoute;
  /** For tests: the live collaboration documents. */
  collab: Collab;
}

export async function startNotebooks(deps: NotebooksDeps): Promise<StartedNotebooks> {
  const opts: NotebookOptions = { ...DEFAULT_NOTEBOOK_OPTIONS, ...deps.options };
  const interrupted = await queries.markInterruptedRuns(deps.database.db, deps.clock.now());
  if (interrupted.length) deps.log.warn("notebook cells were running when the server stopped; marked interrupted", { cells: interrupted.length });
  registerTopicAuthorizer(deps);
  const collab = startCollab(deps);
  const queue = startRunQueue(deps, opts);
  const notebooks = startNotebookOps(deps);
  const cells = startCellOps(deps, opts, collab, queue);
  const results = startResultOps(deps);
  let stopping: Promise<void> | undefined;

  return {
    collabRoute: collab.route,
    collab,
    list: notebooks.list,
    create: notebooks.create,
    get: notebooks.view,
    async canRead(actor, id) {
      try {
        await notebooks.view(actor, id);
        return true;
      } catch {
        return false;
      }
    },
    update: notebooks.update,
    remove: notebooks.remove,
    copy: notebooks.copy,
    addCell: cells.addCell,
    moveCell: cells.moveCell,
    deleteCell: cells.deleteCell,
    saveCell: cells.saveCell,
    runCell: cells.runCell,
    cancelCell: cells.cancelCell,
    revertCell: cells.revertCell,
    rows: results.rows,
    download: results.download,
    templates: () => listTemplates(deps.templatesDir),
    exportText: notebooks.exportText,
    async exportHtml(actor, id) {
      requirePermission(actor, "PREPARE_RESULTS");
      const v = await notebooks.view(actor, id);
      const html = await notebookHtml(deps, v);
      await deps.audit.record(actor, "ExportNotebook", { notebook: id, format: "html" });
      return { filename: `${fileSafe(v.name)}.html`, html };
    },
    importText: notebooks.importText,
    canSaveArtifacts: Boolean(deps.saveArtifact),
    async saveArtifact(actor, yaml, origin) {
      await notebooks.view(actor, origin.notebookId);
      if (!deps.saveArtifact) throw new ServiceError("conflict", "this server has no artifact repository connected yet, so the artifact cannot be saved");
      const saved = await deps.saveArtifact(actor, yaml, origin);
      await deps.audit.record(actor, "notebook_promote", { notebook: origin.notebookId, cell: origin.cellId, artifact: saved.name });
      return saved;
    },
    stop() {
      stopping ??= (async () => {
        await queue.stop();
        await collab.stop();
      })();
      return stopping;
    },
  };
}
