// Stored records to the plain views pages and the browser receive. No queries here.
import type { NotebookRecord, NotebookTableRecord } from "@/drizzle";
import type { queries } from "@/drizzle";
import type { Principal, RoleLimits } from "@/engine/server/contracts";
import { canEdit, isShared } from "./access";
import type { CellLog, CellType, CellView, NotebookParameter, NotebookSettings, NotebookSummary, NotebookView, OutputBlock, ResultTableView, RunStatus } from "@/engine/server/contracts/notebooks";

type CellWithVersion = Awaited<ReturnType<typeof queries.getCellWithCurrent>>;

export function summaryOf(nb: NotebookRecord): NotebookSummary {
  return {
    id: nb.id,
    name: nb.name,
    description: nb.description,
    creator: nb.creator,
    collaborators: nb.collaborators,
    isPublic: nb.isPublic,
    createdAt: nb.createdAt.toISOString(),
    modifiedAt: nb.modifiedAt.toISOString(),
    cellCount: nb.cellOrder.length,
  };
}

export function tableView(t: NotebookTableRecord): ResultTableView {
  return { id: t.id, idx: t.idx, columns: t.columns, rowCount: t.rowCount, truncated: t.truncated, complete: t.complete };
}

export function cellView(c: CellWithVersion, tables: NotebookTableRecord[]): CellView {
  const v = c.version;
  return {
    id: c.cell.id,
    type: (v.type === "markdown" ? "markdown" : "vql") as CellType,
    input: v.input,
    version: v.seq,
    versions: c.versions,
    status: v.status as RunStatus,
    runBy: v.runBy,
    startedAt: v.startedAt?.toISOString() ?? null,
    finishedAt: v.finishedAt?.toISOString() ?? null,
    durationMs: v.durationMs,
    output: v.output as OutputBlock[],
    tables: tables.filter((t) => t.versionId === v.id).map(tableView),
    logs: v.logs as CellLog[],
    logCount: v.logCount,
    error: v.error,
    modifiedAt: c.cell.modifiedAt.toISOString(),
  };
}

export function notebookView(actor: Principal, nb: NotebookRecord, cells: CellView[], limits: RoleLimits): NotebookView {
  const byId = new Map(cells.map((c) => [c.id, c]));
  const ordered = nb.cellOrder.map((id) => byId.get(id)).filter((c): c is CellView => Boolean(c));
  const editable = canEdit(actor, nb);
  return {
    ...summaryOf(nb),
    env: nb.env,
    parameters: nb.parameters as NotebookParameter[],
    settings: nb.settings as NotebookSettings,
    cells: ordered,
    access: { canEdit: editable, canRun: editable && actor.permissions.has("ANY_QUERY"), isOwner: nb.creator === actor.username && isShared(actor, nb) },
    limits: { role: limits.role, maxTimeoutSeconds: limits.maxTimeoutSeconds, maxRows: limits.maxRows, maxConcurrent: limits.maxConcurrent },
  };
}
