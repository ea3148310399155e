// Views of one flow source's stored rows: a page sorted by one column and/or filtered by a text
// (in one column or in any value), counted, and every row in view order for downloads. The
// column name and the text are bound parameters (`row -> $1`), never spliced into the SQL; the
// service checks the column against the source's columns before it gets here.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "./raw";

export interface FlowRowView {
  /** Sort by this column (jsonb order: numbers numerically, strings by collation, then by type), NULLs last; ties in stored order. */
  sort?: { column: string; desc: boolean };
  /** Case-insensitive substring of one column's value, or of any value of the row. */
  filter?: { column?: string; text: string };
}

type Row = Record<string, unknown>;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => "\\" + c);
const parsed = (v: unknown): Row => (typeof v === "string" ? (JSON.parse(v) as Row) : (v as Row));

/** Whether the view changes the stored order or the set of rows. */
export function isPlainView(v: FlowRowView): boolean {
  return !v.sort && !v.filter?.text.trim();
}

function whereOf(p: { flowId: string; artifact: string } & FlowRowView): SQL {
  let where = sql`flow_id = ${p.flowId} and artifact = ${p.artifact}`;
  const text = p.filter?.text.trim();
  if (text) {
    const pattern = `%${escapeLike(text)}%`;
    where = p.filter?.column
      ? sql`${where} and (row ->> ${p.filter.column}::text) ilike ${pattern}`
      : sql`${where} and exists (select 1 from jsonb_each_text(row) as e(k, v) where e.v ilike ${pattern})`;
  }
  return where;
}

function orderOf(v: FlowRowView): SQL {
  if (!v.sort) return sql`ordinal`;
  return v.sort.desc ? sql`(row -> ${v.sort.column}::text) desc nulls last, ordinal` : sql`(row -> ${v.sort.column}::text) asc nulls last, ordinal`;
}

/** One page of a source's rows in the view's order (`offset` counts rows of the view). */
export async function pageFlowResults(db: Db, p: { flowId: string; artifact: string; offset: number; limit: number } & FlowRowView): Promise<Row[]> {
  const rows = rowsOf<{ row: unknown }>(
    await db.execute(sql`select row from flow_results where ${whereOf(p)} order by ${orderOf(p)} limit ${p.limit} offset ${p.offset}`),
  );
  return rows.map((r) => parsed(r.row));
}

/** How many of a source's rows the filter keeps. */
export async function countFlowResults(db: Db, p: { flowId: string; artifact: string } & FlowRowView): Promise<number> {
  const [c] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*)::int as n from flow_results where ${whereOf(p)}`));
  return Number(c?.n ?? 0);
}

/** Every row of a source in view order, `batch` at a time (stored order reads by ordinal, no offsets). */
export async function* iterateFlowResults(db: Db, p: { flowId: string; artifact: string; batch: number } & FlowRowView): AsyncGenerator<Row[]> {
  if (isPlainView(p)) {
    let after = -1;
    for (;;) {
      const rows = rowsOf<{ ordinal: number | string; row: unknown }>(
        await db.execute(sql`select ordinal, row from flow_results where flow_id = ${p.flowId} and artifact = ${p.artifact} and ordinal > ${after} order by ordinal limit ${p.batch}`),
      );
      if (!rows.length) return;
      after = Number(rows[rows.length - 1]!.ordinal);
      yield rows.map((r) => parsed(r.row));
      if (rows.length < p.batch) return;
    }
  }
  for (let offset = 0; ; offset += p.batch) {
    const rows = await pageFlowResults(db, { ...p, offset, limit: p.batch });
    if (!rows.length) return;
    yield rows;
    if (rows.length < p.batch) return;
  }
}
