// Builds the notebooks service from its parts: notebook and cell operations, the run queue
// (notebook workers), result reading, exports, templates and live collaboration. At start, and
// every few seconds on one process (lease `notebook-janitor`), runs whose process is gone are
// marked interrupted; runs of live processes are never touched.
import { setInterval as every } from "node:timers/promises";
import { queries } from "@/drizzle";
import type { WsRoute } from "@/engine/server/contracts";
import { requirePermission } from "@/engine/server/contracts";
import { startCellOps } from "./cells";
import { startCollab, type Collab } from "./collab";
import { DEFAULT_NOTEBOOK_OPTIONS, type NotebookOptions, type NotebooksDeps } from "./deps";
import { publish, registerTopicAuthorizer } from "./events";
import { notebookHtml } from "./export-html";
import type { NotebooksService } from "@/engine/server/contracts/notebooks";
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

export async function startNotebooks(given: Omit<NotebooksDeps, "signal" | "self">, signal: AbortSignal): Promise<StartedNotebooks> {
  const opts: NotebookOptions = { ...DEFAULT_NOTEBOOK_OPTIONS, ...given.options };
  const deps: NotebooksDeps = { ...given, signal, self: {} };
  await markOrphans(deps);
  void deps.leases.hold(
    "notebook-janitor",
    async (s) => {
      for await (const _ of every(JANITOR_MS, undefined, { signal: s })) await markOrphans(deps).catch((err) => deps.log.warn("could not check for orphaned notebook runs", { error: (err as Error).message }));
    },
    deps.signal,
  ).catch(() => {});
  registerTopicAuthorizer(deps);
  const collab = startCollab(deps);
  const queue = startRunQueue(deps, opts);
  const notebooks = startNotebookOps(deps);
  const cells = startCellOps(deps, opts, collab, queue);
  const results = startResultOps(deps);
  let stopping: Promise<void> | undefined;

  const service: StartedNotebooks = {
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
    async saveArtifact(actor, yaml, origin) {
      await notebooks.view(actor, origin.notebookId);
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
  deps.self!.service = service;
  return service;
}

const JANITOR_MS = 5_000;

/** Marks runs whose owner process is not alive as interrupted, and tells their viewers. */
async function markOrphans(deps: NotebooksDeps) {
  await deps.node.refresh();
  const marked = await queries.markInterruptedRuns(deps.database.db, deps.clock.now(), deps.node.liveNodeIds());
  if (!marked.length) return;
  deps.log.warn("notebook cells were running in a process that is gone; marked interrupted", { cells: marked.length });
  for (const m of marked) publish(deps, m.notebookId, { type: "cell-status", cellId: m.cellId, version: m.seq, status: "interrupted", durationMs: null, error: "the server stopped while this cell was running" });
}
