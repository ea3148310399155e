// Partitions and retention: before any append, each retention class in use has its partition
// set and today's and the next two days' partitions; once an hour (under the lease
// `journal-maintenance`, so one process does it) partitions are created ahead, rows that landed
// in a DEFAULT partition get their day's partition, and day partitions older than their
// class's retention are dropped (DROP TABLE: no row-by-row deletes, no table bloat).
import { queries, type Database } from "@/drizzle";
import type { Logger } from "@/engine/server/contracts";

const DAY_MS = 86_400_000;
const AHEAD_DAYS = 2;

function days(from: Date, count: number): Date[] {
  const start = Math.floor(from.getTime() / DAY_MS) * DAY_MS;
  return Array.from({ length: count }, (_, i) => new Date(start + i * DAY_MS));
}

export async function prepareClasses(database: Database, classes: number[], now: Date): Promise<string[]> {
  const created: string[] = [];
  for (const keep of classes) {
    await queries.ensureRetentionClass(database.db, keep);
    created.push(...(await queries.ensureDayPartitions(database.db, keep, days(now, AHEAD_DAYS + 1))));
  }
  return created;
}

export async function maintainPartitions(database: Database, classes: number[], now: Date, log: Logger): Promise<{ created: string[]; dropped: string[] }> {
  const all = [...new Set([...classes, ...(await queries.listRetentionClasses(database.db))])];
  const created = await prepareClasses(database, all, now);
  const dropped: string[] = [];
  for (const keep of all) {
    const cutoff = keep > 0 ? new Date(now.getTime() - keep * DAY_MS) : undefined;
    // Rows stored in the DEFAULT partition (a clock far off, or before today's partition
    // existed) get their day's partition, unless their day is past retention anyway.
    const stray = (await queries.daysInDefaultPartition(database.db, keep)).filter((d) => !cutoff || d.getTime() + DAY_MS > cutoff.getTime());
    if (stray.length) created.push(...(await queries.ensureDayPartitions(database.db, keep, stray)));
    if (cutoff) dropped.push(...(await queries.dropExpiredPartitions(database.db, keep, cutoff)));
  }
  if (dropped.length) log.info("expired event partitions dropped", { partitions: dropped.length, first: dropped[0] });
  return { created, dropped };
}
