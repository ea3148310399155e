// Queries of event monitoring: reading and replacing an event table (the server's or the
// clients'), the state of server event queries, and event query log lines by artifact, client
// and time.
import { and, asc, eq, gte, lt, notInArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { eventLogs, eventTables, serverEventStatus, type EventLogRecord, type EventTableRecord, type ServerEventStatusRecord } from "../schema";

export async function getEventTable(db: Db, kind: "server" | "client"): Promise<EventTableRecord | undefined> {
  const [r] = await db.select().from(eventTables).where(eq(eventTables.kind, kind));
  return r;
}

/** Stores a table; its version is max(now, previous + 1) so versions always grow. */
export async function putEventTable(db: Db, p: { kind: "server" | "client"; spec: Record<string, unknown>; by: string; at: Date }): Promise<EventTableRecord> {
  const ms = p.at.getTime();
  const [r] = await db
    .insert(eventTables)
    .values({ kind: p.kind, spec: p.spec, version: ms, updatedBy: p.by, updatedAt: p.at })
    .onConflictDoUpdate({
      target: eventTables.kind,
      set: { spec: p.spec, version: sql`greatest(${ms}::bigint, ${eventTables.version} + 1)`, updatedBy: p.by, updatedAt: p.at },
    })
    .returning();
  return r!;
}

export async function listServerEventStatus(db: Db): Promise<ServerEventStatusRecord[]> {
  return db.select().from(serverEventStatus).orderBy(asc(serverEventStatus.name));
}

export async function upsertServerEventStatus(db: Db, rows: Array<Omit<ServerEventStatusRecord, "updatedAt">>, at: Date): Promise<void> {
  if (!rows.length) return;
  await db
    .insert(serverEventStatus)
    .values(rows.map((r) => ({ ...r, updatedAt: at })))
    .onConflictDoUpdate({
      target: serverEventStatus.name,
      set: {
        artifact: sql`excluded.artifact`,
        state: sql`excluded.state`,
        error: sql`excluded.error`,
        nodeId: sql`excluded.node_id`,
        startedAt: sql`excluded.started_at`,
        lastRowAt: sql`excluded.last_row_at`,
        rows: sql`excluded.rows`,
        restarts: sql`excluded.restarts`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}

/** Drops the state of queries no longer in the table. */
export async function pruneServerEventStatus(db: Db, keep: string[]): Promise<void> {
  if (keep.length) await db.delete(serverEventStatus).where(notInArray(serverEventStatus.name, keep));
  else await db.delete(serverEventStatus);
}

export async function insertEventLogs(db: Db, rows: Array<Omit<EventLogRecord, "id">>): Promise<void> {
  if (rows.length) await db.insert(eventLogs).values(rows);
}

export async function readEventLogs(
  db: Db,
  p: { artifact: string; clientId: string; start?: Date; end?: Date; limit: number; offset?: number },
): Promise<EventLogRecord[]> {
  const where = [eq(eventLogs.artifact, p.artifact), eq(eventLogs.clientId, p.clientId)];
  if (p.start) where.push(gte(eventLogs.at, p.start));
  if (p.end) where.push(lt(eventLogs.at, p.end));
  return db
    .select()
    .from(eventLogs)
    .where(and(...where))
    .orderBy(asc(eventLogs.at), asc(eventLogs.id))
    .limit(p.limit)
    .offset(p.offset ?? 0);
}

/** Deletes log lines older than `before` (retention, run under the journal's maintenance). */
export async function deleteEventLogsBefore(db: Db, before: Date): Promise<number> {
  const r = await db.delete(eventLogs).where(lt(eventLogs.at, before)).returning({ id: eventLogs.id });
  return r.length;
}
