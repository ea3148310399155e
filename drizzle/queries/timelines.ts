// Notebook super-timelines: the super-timelines of a notebook and their components, a
// component's rows appended in bulk through the driver (arrays unnested by the database) under
// a generation, a finished generation swapped in (the previous one's rows deleted), and pages of
// the merged rows of chosen components in time order (then component position, then arrival).
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { notebookSupertimelines, notebookTimelines, type NotebookTimelineRecord } from "../schema";
import { preparedRows, rowsOf } from "./raw";
import { inTransaction } from "./tx";

export interface SupertimelineListing {
  name: string;
  components: NotebookTimelineRecord[];
}

/** The notebook's super-timelines (by creation) with their components (by position). */
export async function listSupertimelines(db: Db, notebookId: string, name?: string): Promise<SupertimelineListing[]> {
  const where = name === undefined ? eq(notebookSupertimelines.notebookId, notebookId) : and(eq(notebookSupertimelines.notebookId, notebookId), eq(notebookSupertimelines.name, name));
  const supers = await db.select().from(notebookSupertimelines).where(where).orderBy(asc(notebookSupertimelines.createdAt), asc(notebookSupertimelines.name));
  if (!supers.length) return [];
  const cwhere = name === undefined ? eq(notebookTimelines.notebookId, notebookId) : and(eq(notebookTimelines.notebookId, notebookId), eq(notebookTimelines.supertimeline, name));
  const comps = await db.select().from(notebookTimelines).where(cwhere).orderBy(asc(notebookTimelines.position));
  return supers.map((s) => ({ name: s.name, components: comps.filter((c) => c.supertimeline === s.name) }));
}

/** Creates the super-timeline when the notebook has none of that name; true when it was made. */
export async function ensureSupertimeline(db: Db, p: { notebookId: string; name: string; at: Date }): Promise<boolean> {
  const made = await db.insert(notebookSupertimelines).values({ notebookId: p.notebookId, name: p.name, createdAt: p.at }).onConflictDoNothing().returning({ name: notebookSupertimelines.name });
  return made.length > 0;
}

const APPEND_ROWS = `
  insert into notebook_timeline_rows (generation, notebook_id, ord, ts, data)
  select $1, $2, $3::int + (x.n - 1)::int, x.t::bigint, x.d::json
  from unnest($4::text[], $5::text[]) with ordinality as x(t, d, n)`;

/** Appends rows `firstOrd, firstOrd+1, ...` of a generation: `ts` in Unix ns (decimal text), `data` JSON object text. */
export async function appendTimelineRows(db: Db, p: { generation: string; notebookId: string; firstOrd: number; ts: readonly string[]; data: readonly string[] }): Promise<void> {
  if (!p.ts.length) return;
  await preparedRows(db, APPEND_ROWS, [p.generation, p.notebookId, p.firstOrd, [...p.ts], [...p.data]]);
}

export async function deleteTimelineGeneration(db: Db, generation: string): Promise<void> {
  await db.execute(sql`delete from notebook_timeline_rows where generation = ${generation}`);
}

export interface CommitTimelineParams {
  notebookId: string;
  supertimeline: string;
  id: string;
  generation: string;
  timestampColumn: string;
  messageColumn: string;
  timestampDescriptionColumn: string;
  at: Date;
}

/**
 * Makes `generation` the component's rows (creating the super-timeline and the component as
 * needed; a new component goes last), records its first and last time and count, and deletes
 * the rows of the generation it replaces. One transaction.
 */
export async function commitTimeline(db: Db, p: CommitTimelineParams): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.insert(notebookSupertimelines).values({ notebookId: p.notebookId, name: p.supertimeline, createdAt: p.at }).onConflictDoNothing();
    const [stats] = rowsOf<{ first: string | null; last: string | null; n: string }>(
      await tx.execute(sql`select min(ts)::text as first, max(ts)::text as last, count(*)::text as n from notebook_timeline_rows where generation = ${p.generation}`),
    );
    const old = await tx
      .select({ generation: notebookTimelines.generation })
      .from(notebookTimelines)
      .where(and(eq(notebookTimelines.notebookId, p.notebookId), eq(notebookTimelines.supertimeline, p.supertimeline), eq(notebookTimelines.id, p.id)))
      .for("update");
    const values = {
      generation: p.generation,
      timestampColumn: p.timestampColumn,
      messageColumn: p.messageColumn,
      timestampDescriptionColumn: p.timestampDescriptionColumn,
      startTime: BigInt(stats?.first ?? "0"),
      endTime: BigInt(stats?.last ?? "0"),
      rowCount: Number(stats?.n ?? 0),
    };
    if (old[0]) {
      await tx.update(notebookTimelines).set(values).where(and(eq(notebookTimelines.notebookId, p.notebookId), eq(notebookTimelines.supertimeline, p.supertimeline), eq(notebookTimelines.id, p.id)));
      if (old[0].generation !== p.generation) await deleteTimelineGeneration(tx, old[0].generation);
    } else {
      const [pos] = rowsOf<{ next: number }>(
        await tx.execute(sql`select coalesce(max(position), -1)::int + 1 as next from notebook_timelines where notebook_id = ${p.notebookId} and supertimeline = ${p.supertimeline}`),
      );
      await tx.insert(notebookTimelines).values({ notebookId: p.notebookId, supertimeline: p.supertimeline, id: p.id, position: Number(pos?.next ?? 0), ...values });
    }
  });
}

/** Deletes one component (or, with no `id`, every component) with its rows; false when the super-timeline does not exist. */
export async function deleteTimelineComponents(db: Db, p: { notebookId: string; supertimeline: string; id?: string }): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const [s] = await tx
      .select({ name: notebookSupertimelines.name })
      .from(notebookSupertimelines)
      .where(and(eq(notebookSupertimelines.notebookId, p.notebookId), eq(notebookSupertimelines.name, p.supertimeline)));
    if (!s) return false;
    const base = and(eq(notebookTimelines.notebookId, p.notebookId), eq(notebookTimelines.supertimeline, p.supertimeline));
    const where = p.id ? and(base, eq(notebookTimelines.id, p.id)) : base;
    const gone = await tx.delete(notebookTimelines).where(where).returning({ generation: notebookTimelines.generation });
    for (const g of gone) await deleteTimelineGeneration(tx, g.generation);
    return true;
  });
}

export interface TimelineRowRecord {
  ts: string;
  position: number;
  ord: number;
  source: string;
  messageColumn: string;
  timestampDescriptionColumn: string;
  data: string;
}

/** Where the previous page ended: the (ts, position, ord) of its last row. */
export interface TimelineCursor {
  ts: string;
  position: number;
  ord: number;
}

const READ_ROWS = `
  select r.ts::text as ts, t.position, r.ord, t.id as source, t.message_column, t.timestamp_description_column, r.data::text as data
  from notebook_timelines t
  join notebook_timeline_rows r on r.generation = t.generation
  where t.notebook_id = $1 and t.supertimeline = $2
    and (cardinality($3::text[]) = 0 or t.id = any($3::text[]))
    and not (t.id = any($4::text[]))
    and r.ts >= $5::bigint
    and (r.ts, t.position, r.ord) > ($6::bigint, $7::int, $8::int)
  order by r.ts, t.position, r.ord
  limit $9`;

/** One page of the merged rows of the chosen components, from `startNs` on, after `after`. */
export async function readTimelineRows(
  db: Db,
  p: { notebookId: string; supertimeline: string; include: readonly string[]; exclude: readonly string[]; startNs: string; after?: TimelineCursor; limit: number },
): Promise<TimelineRowRecord[]> {
  const after = p.after ?? { ts: "-9223372036854775808", position: -1, ord: -1 };
  const rows = await preparedRows<{ ts: string; position: number; ord: number; source: string; message_column: string; timestamp_description_column: string; data: string }>(db, READ_ROWS, [
    p.notebookId,
    p.supertimeline,
    [...p.include],
    [...p.exclude],
    p.startNs,
    after.ts,
    after.position,
    after.ord,
    p.limit,
  ]);
  return rows.map((r) => ({ ts: r.ts, position: Number(r.position), ord: Number(r.ord), source: r.source, messageColumn: r.message_column, timestampDescriptionColumn: r.timestamp_description_column, data: r.data }));
}

/** How many timeline rows a notebook holds (finished or not). */
export async function countNotebookTimelineRows(db: Db, notebookId: string): Promise<number> {
  const [row] = rowsOf<{ n: string }>(await db.execute(sql`select count(*)::text as n from notebook_timeline_rows where notebook_id = ${notebookId}`));
  return Number(row?.n ?? 0);
}
