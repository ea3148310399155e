// Result tables of notebook cell versions and their rows: bulk append (one JSON array text per
// batch, expanded by the database: no per-row query building), pages with server-side sort and
// filter, whole-table iteration for downloads; and the collaborative document state.
import { asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "./raw";
import { NotFoundError } from "../errors";
import { notebookCollab, notebookTables, type NotebookTableRecord } from "../schema";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type Subquery = SQL | { getSQL(): SQL };

/** Deletes the rows of every table belonging to the versions the subquery selects. */
export async function deleteRowsOfVersions(db: Db | Tx, versionIds: Subquery): Promise<void> {
  await db.execute(
    sql`delete from notebook_rows where table_id in (select id from notebook_tables where version_id in (${versionIds}))`,
  );
}

export async function createResultTable(db: Db, p: { versionId: number; idx: number }): Promise<NotebookTableRecord> {
  const [row] = await db.insert(notebookTables).values({ versionId: p.versionId, idx: p.idx }).returning();
  return row!;
}

export async function getResultTable(db: Db, id: number): Promise<NotebookTableRecord> {
  const [row] = await db.select().from(notebookTables).where(eq(notebookTables.id, id));
  if (!row) throw new NotFoundError(`no result table ${id}`);
  return row;
}

export async function listResultTables(db: Db, versionIds: number[]): Promise<NotebookTableRecord[]> {
  if (!versionIds.length) return [];
  return db.select().from(notebookTables).where(inArray(notebookTables.versionId, versionIds)).orderBy(asc(notebookTables.versionId), asc(notebookTables.idx));
}

export async function updateResultTable(
  db: Db,
  id: number,
  patch: Partial<Pick<NotebookTableRecord, "columns" | "rowCount" | "truncated" | "complete">>,
): Promise<void> {
  await db.update(notebookTables).set(patch).where(eq(notebookTables.id, id));
}

/**
 * Appends rows with ordinals `firstOrd, firstOrd+1, ...`. Each entry of `rowsJson` is one row
 * as JSON object text (keys in column order).
 */
export async function appendResultRows(db: Db, p: { tableId: number; firstOrd: number; rowsJson: readonly string[] }): Promise<void> {
  if (!p.rowsJson.length) return;
  const batch = "[" + p.rowsJson.join(",") + "]";
  await db.execute(sql`insert into notebook_rows (table_id, ord, data)
    select ${p.tableId}::bigint, ${p.firstOrd}::int + (o - 1)::int, e
    from json_array_elements(${batch}::json) with ordinality as x(e, o)`);
}

export interface RowView {
  /** Sort by this column (jsonb order: numbers numerically, then by type), NULLs last. */
  sort?: { column: string; desc: boolean };
  /** Case-insensitive substring, in one column or anywhere in the row. */
  filter?: { column?: string; text: string };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => "\\" + c);
}

function viewSql(tableId: number, view: RowView): { where: SQL; order: SQL } {
  let where = sql`table_id = ${tableId}`;
  const text = view.filter?.text.trim();
  if (text) {
    const pattern = `%${escapeLike(text)}%`;
    where = view.filter?.column
      ? sql`${where} and (data ->> ${view.filter.column}) ilike ${pattern}`
      : sql`${where} and data::text ilike ${pattern}`;
  }
  const order = view.sort
    ? view.sort.desc
      ? sql`(data::jsonb -> ${view.sort.column}) desc nulls last, ord`
      : sql`(data::jsonb -> ${view.sort.column}) asc nulls last, ord`
    : sql`ord`;
  return { where, order };
}

export interface RowPage {
  rows: { ord: number; data: string }[];
  /** Rows matching the filter (the table's row count when there is none). */
  total: number;
}

/** One page of a table's rows; `data` is each row's JSON text as stored. */
export async function pageResultRows(db: Db, p: { tableId: number; offset: number; limit: number } & RowView): Promise<RowPage> {
  const { where, order } = viewSql(p.tableId, p);
  const rows = rowsOf<{ ord: number; data: string }>(
    await db.execute(sql`select ord, data::text as data from notebook_rows where ${where} order by ${order} limit ${p.limit} offset ${p.offset}`),
  ).map((r) => ({ ord: Number(r.ord), data: r.data }));
  let total: number;
  if (p.filter?.text.trim()) {
    const [c] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*)::int as n from notebook_rows where ${where}`));
    total = Number(c?.n ?? 0);
  } else {
    total = (await getResultTable(db, p.tableId)).rowCount;
  }
  return { rows, total };
}

/** Every row of a table in view order, fetched in batches (downloads). */
export async function* iterateResultRows(db: Db, p: { tableId: number; batch: number } & RowView): AsyncGenerator<{ ord: number; data: string }[]> {
  const plain = !p.sort && !p.filter?.text.trim();
  if (plain) {
    let after = -1;
    for (;;) {
      const rows = rowsOf<{ ord: number; data: string }>(
        await db.execute(
          sql`select ord, data::text as data from notebook_rows where table_id = ${p.tableId} and ord > ${after} order by ord limit ${p.batch}`,
        ),
      );
      if (!rows.length) return;
      after = Number(rows[rows.length - 1]!.ord);
      yield rows.map((r) => ({ ord: Number(r.ord), data: r.data }));
      if (rows.length < p.batch) return;
    }
  }
  for (let offset = 0; ; offset += p.batch) {
    const page = await pageResultRows(db, { ...p, offset, limit: p.batch });
    if (!page.rows.length) return;
    yield page.rows;
    if (page.rows.length < p.batch) return;
  }
}

// ---- collaborative document state -----------------------------------------------------------

/** Serialises the loading of one collaborative document across processes (transaction lock). */
export async function lockCollabDocument(db: Db, notebookId: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(727278, hashtext(${notebookId}))`);
}

export async function loadCollabState(db: Db, notebookId: string, opts: { forUpdate?: boolean } = {}): Promise<Uint8Array | undefined> {
  const q = db.select({ state: notebookCollab.state }).from(notebookCollab).where(eq(notebookCollab.notebookId, notebookId));
  const [row] = opts.forUpdate ? await q.for("update") : await q;
  return row ? new Uint8Array(row.state) : undefined;
}

export async function saveCollabState(db: Db, notebookId: string, state: Uint8Array, at: Date): Promise<void> {
  const value = Buffer.from(state.buffer, state.byteOffset, state.byteLength);
  await db
    .insert(notebookCollab)
    .values({ notebookId, state: value, updatedAt: at })
    .onConflictDoUpdate({ target: notebookCollab.notebookId, set: { state: value, updatedAt: at } });
}
