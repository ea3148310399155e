// Published events (the journal-to-be): append and read back by queue.
import { and, desc, eq, gt, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { events, type EventRecord } from "../schema";

export async function insertEvents(db: Db, rows: Array<{ queue: string; at: Date; clientId: string; payload: Record<string, unknown> }>): Promise<EventRecord[]> {
  if (!rows.length) return [];
  return db.insert(events).values(rows).returning();
}

export async function listEvents(db: Db, p: { queue: string; clientId?: string; since?: Date; limit: number }): Promise<EventRecord[]> {
  const where: SQL[] = [eq(events.queue, p.queue)];
  if (p.clientId) where.push(eq(events.clientId, p.clientId));
  if (p.since) where.push(gt(events.at, p.since));
  return db.select().from(events).where(and(...where)).orderBy(desc(events.id)).limit(p.limit);
}
