// Notebooks, their cells and cell versions: create, list with access filtering, update, reorder,
// version history (undo/redo pointer, redo-tail and history trimming), run status. Result rows
// live in notebook-results.ts.
import { and, asc, desc, eq, gt, ilike, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { NotFoundError } from "../errors";
import {
  notebookCells,
  notebookCellVersions,
  notebooks,
  type NotebookCellRecord,
  type NotebookCellVersionRecord,
  type NotebookRecord,
} from "../schema";
import { deleteRowsOfVersions } from "./notebook-results";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface NewNotebook {
  id: string;
  name: string;
  description: string;
  creator: string;
  collaborators: string[];
  isPublic: boolean;
  env: { key: string; value: string }[];
  parameters: unknown[];
  settings: Record<string, unknown>;
  at: Date;
}

export async function createNotebook(db: Db, p: NewNotebook): Promise<NotebookRecord> {
  const { at, ...rest } = p;
  const [row] = await db
    .insert(notebooks)
    .values({ ...rest, cellOrder: [], createdAt: at, modifiedAt: at })
    .returning();
  return row!;
}

export async function getNotebookById(db: Db | Tx, id: string): Promise<NotebookRecord> {
  const [row] = await db.select().from(notebooks).where(eq(notebooks.id, id));
  if (!row) throw new NotFoundError(`no notebook ${id}`);
  return row;
}

export interface ListNotebooksParams {
  /** Only notebooks this user may read, unless `all`. */
  username: string;
  all: boolean;
  /** mine: created by the user; shared: readable by the user but created by someone else. */
  scope: "all" | "mine" | "shared";
  search?: string;
  sort: "modified" | "name" | "created";
  limit: number;
  offset: number;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => "\\" + c);
}

export async function listNotebooks(db: Db, p: ListNotebooksParams): Promise<{ rows: NotebookRecord[]; total: number }> {
  const where: SQL[] = [];
  const collaborator = sql`${notebooks.collaborators} @> ${JSON.stringify([p.username])}::jsonb`;
  if (!p.all) where.push(or(eq(notebooks.creator, p.username), eq(notebooks.isPublic, true), collaborator)!);
  if (p.scope === "mine") where.push(eq(notebooks.creator, p.username));
  if (p.scope === "shared") where.push(sql`${notebooks.creator} <> ${p.username}`);
  if (p.search?.trim()) {
    const pattern = `%${escapeLike(p.search.trim())}%`;
    where.push(or(ilike(notebooks.name, pattern), ilike(notebooks.description, pattern), ilike(notebooks.id, pattern))!);
  }
  const cond = where.length ? and(...where) : undefined;
  const order = p.sort === "name" ? [asc(notebooks.name)] : p.sort === "created" ? [desc(notebooks.createdAt)] : [desc(notebooks.modifiedAt)];
  const rows = await db.select().from(notebooks).where(cond).orderBy(...order, asc(notebooks.id)).limit(p.limit).offset(p.offset);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(notebooks).where(cond);
  return { rows, total: Number(count?.n ?? 0) };
}

export type NotebookPatch = Partial<Pick<NotebookRecord, "name" | "description" | "collaborators" | "isPublic" | "env" | "parameters" | "settings" | "cellOrder">>;

export async function updateNotebook(db: Db | Tx, id: string, patch: NotebookPatch, at: Date): Promise<NotebookRecord> {
  const [row] = await db
    .update(notebooks)
    .set({ ...patch, modifiedAt: at })
    .where(eq(notebooks.id, id))
    .returning();
  if (!row) throw new NotFoundError(`no notebook ${id}`);
  return row;
}

export async function deleteNotebook(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const versionIds = tx
      .select({ id: notebookCellVersions.id })
      .from(notebookCellVersions)
      .innerJoin(notebookCells, eq(notebookCells.id, notebookCellVersions.cellId))
      .where(eq(notebookCells.notebookId, id));
    await deleteRowsOfVersions(tx, versionIds);
    const gone = await tx.delete(notebooks).where(eq(notebooks.id, id)).returning({ id: notebooks.id });
    if (!gone.length) throw new NotFoundError(`no notebook ${id}`);
  });
}

// ---- cells and versions ----------------------------------------------------------------------

export interface CellWithVersion {
  cell: NotebookCellRecord;
  version: NotebookCellVersionRecord;
  /** Sequence numbers of every stored version, oldest first. */
  versions: number[];
}

/** Inserts a cell with its first version at `position` in the order (end when absent). */
export async function createCell(
  db: Db,
  p: { id: string; notebookId: string; type: string; input: string; createdBy: string; at: Date; position?: number },
): Promise<CellWithVersion> {
  return db.transaction(async (tx) => {
    const nb = await getNotebookById(tx, p.notebookId);
    const [cell] = await tx
      .insert(notebookCells)
      .values({ id: p.id, notebookId: p.notebookId, currentVersion: 1, createdBy: p.createdBy, createdAt: p.at, modifiedAt: p.at })
      .returning();
    const [version] = await tx
      .insert(notebookCellVersions)
      .values({ cellId: p.id, seq: 1, type: p.type, input: p.input, createdBy: p.createdBy, createdAt: p.at })
      .returning();
    const order = nb.cellOrder.slice();
    const at = p.position === undefined ? order.length : Math.max(0, Math.min(order.length, p.position));
    order.splice(at, 0, p.id);
    await updateNotebook(tx, p.notebookId, { cellOrder: order }, p.at);
    return { cell: cell!, version: version!, versions: [1] };
  });
}

export async function getCell(db: Db | Tx, cellId: string): Promise<NotebookCellRecord> {
  const [row] = await db.select().from(notebookCells).where(eq(notebookCells.id, cellId));
  if (!row) throw new NotFoundError(`no cell ${cellId}`);
  return row;
}

/** Every cell of a notebook with its current version, in no particular order. */
export async function listCellsWithCurrent(db: Db, notebookId: string): Promise<CellWithVersion[]> {
  const rows = await db
    .select({ cell: notebookCells, version: notebookCellVersions })
    .from(notebookCells)
    .innerJoin(
      notebookCellVersions,
      and(eq(notebookCellVersions.cellId, notebookCells.id), eq(notebookCellVersions.seq, notebookCells.currentVersion)),
    )
    .where(eq(notebookCells.notebookId, notebookId));
  const seqs = await db
    .select({ cellId: notebookCellVersions.cellId, seq: notebookCellVersions.seq })
    .from(notebookCellVersions)
    .innerJoin(notebookCells, eq(notebookCells.id, notebookCellVersions.cellId))
    .where(eq(notebookCells.notebookId, notebookId))
    .orderBy(asc(notebookCellVersions.seq));
  const byCell = new Map<string, number[]>();
  for (const s of seqs) {
    let list = byCell.get(s.cellId);
    if (!list) byCell.set(s.cellId, (list = []));
    list.push(s.seq);
  }
  return rows.map((r) => ({ ...r, versions: byCell.get(r.cell.id) ?? [] }));
}

export async function getCellWithCurrent(db: Db, cellId: string): Promise<CellWithVersion> {
  const cell = await getCell(db, cellId);
  const versions = await db
    .select()
    .from(notebookCellVersions)
    .where(eq(notebookCellVersions.cellId, cellId))
    .orderBy(asc(notebookCellVersions.seq));
  const version = versions.find((v) => v.seq === cell.currentVersion);
  if (!version) throw new NotFoundError(`cell ${cellId} has no version ${cell.currentVersion}`);
  return { cell, version, versions: versions.map((v) => v.seq) };
}

export async function deleteCell(db: Db, notebookId: string, cellId: string, at: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const nb = await getNotebookById(tx, notebookId);
    const versionIds = tx.select({ id: notebookCellVersions.id }).from(notebookCellVersions).where(eq(notebookCellVersions.cellId, cellId));
    await deleteRowsOfVersions(tx, versionIds);
    const gone = await tx
      .delete(notebookCells)
      .where(and(eq(notebookCells.id, cellId), eq(notebookCells.notebookId, notebookId)))
      .returning({ id: notebookCells.id });
    if (!gone.length) throw new NotFoundError(`no cell ${cellId} in notebook ${notebookId}`);
    await updateNotebook(tx, notebookId, { cellOrder: nb.cellOrder.filter((c) => c !== cellId) }, at);
  });
}

/**
 * Appends a version after the current one: versions after the current (the redo tail) are
 * dropped first, and only the newest `keep` versions are kept. The new version becomes current.
 */
export async function addCellVersion(
  db: Db,
  p: { cellId: string; type: string; input: string; createdBy: string; at: Date; keep: number; status?: string },
): Promise<CellWithVersion> {
  await db.transaction(async (tx) => {
    const cell = await getCell(tx, p.cellId);
    const tail = tx
      .select({ id: notebookCellVersions.id })
      .from(notebookCellVersions)
      .where(and(eq(notebookCellVersions.cellId, p.cellId), gt(notebookCellVersions.seq, cell.currentVersion)));
    await deleteRowsOfVersions(tx, tail);
    await tx.delete(notebookCellVersions).where(and(eq(notebookCellVersions.cellId, p.cellId), gt(notebookCellVersions.seq, cell.currentVersion)));
    const seq = cell.currentVersion + 1;
    await tx.insert(notebookCellVersions).values({
      cellId: p.cellId,
      seq,
      type: p.type,
      input: p.input,
      createdBy: p.createdBy,
      createdAt: p.at,
      status: p.status ?? "edited",
    });
    const old = tx
      .select({ id: notebookCellVersions.id })
      .from(notebookCellVersions)
      .where(and(eq(notebookCellVersions.cellId, p.cellId), lte(notebookCellVersions.seq, seq - p.keep)));
    await deleteRowsOfVersions(tx, old);
    await tx.delete(notebookCellVersions).where(and(eq(notebookCellVersions.cellId, p.cellId), lte(notebookCellVersions.seq, seq - p.keep)));
    await tx.update(notebookCells).set({ currentVersion: seq, modifiedAt: p.at }).where(eq(notebookCells.id, p.cellId));
  });
  return getCellWithCurrent(db, p.cellId);
}

/** Points the cell at another stored version (undo/redo); nothing is recomputed. */
export async function setCurrentVersion(db: Db, cellId: string, seq: number, at: Date): Promise<CellWithVersion> {
  const [exists] = await db
    .select({ id: notebookCellVersions.id })
    .from(notebookCellVersions)
    .where(and(eq(notebookCellVersions.cellId, cellId), eq(notebookCellVersions.seq, seq)));
  if (!exists) throw new NotFoundError(`cell ${cellId} has no version ${seq}`);
  await db.update(notebookCells).set({ currentVersion: seq, modifiedAt: at }).where(eq(notebookCells.id, cellId));
  return getCellWithCurrent(db, cellId);
}

export async function getVersionById(db: Db, id: number): Promise<NotebookCellVersionRecord> {
  const [row] = await db.select().from(notebookCellVersions).where(eq(notebookCellVersions.id, id));
  if (!row) throw new NotFoundError(`no cell version ${id}`);
  return row;
}

export type VersionRunPatch = Partial<
  Pick<NotebookCellVersionRecord, "status" | "runBy" | "runOwner" | "startedAt" | "finishedAt" | "durationMs" | "output" | "logs" | "logCount" | "error">
>;

export async function updateVersionRun(db: Db, id: number, patch: VersionRunPatch): Promise<void> {
  await db.update(notebookCellVersions).set(patch).where(eq(notebookCellVersions.id, id));
}

/**
 * Marks queued or running versions whose process is gone as interrupted (a run cannot survive
 * its process): every one whose owner is not among `liveOwners` (the processes alive now), or
 * that has no owner. Their tables are left as they are: one whose SELECT ended is complete, the
 * one being filled at the stop stays incomplete with the rows stored before it. Returns what was
 * marked.
 */
export async function markInterruptedRuns(db: Db, at: Date, liveOwners: string[] = []): Promise<{ versionId: number; cellId: string; seq: number; notebookId: string }[]> {
  const rows = await db
    .update(notebookCellVersions)
    .set({ status: "interrupted", finishedAt: at, error: "the server stopped while this cell was running" })
    .where(
      and(
        inArray(notebookCellVersions.status, ["queued", "running"]),
        liveOwners.length ? sql`(${notebookCellVersions.runOwner} is null or ${notebookCellVersions.runOwner} not in (select jsonb_array_elements_text(${JSON.stringify(liveOwners)}::jsonb)))` : undefined,
      ),
    )
    .returning({
      versionId: notebookCellVersions.id,
      cellId: notebookCellVersions.cellId,
      seq: notebookCellVersions.seq,
      notebookId: sql<string>`(select c.notebook_id from notebook_cells c where c.id = ${notebookCellVersions.cellId})`,
    });
  return rows;
}
