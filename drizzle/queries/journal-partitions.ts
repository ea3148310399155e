// The events table's partitions: one partition set per retention class (events_r<days>,
// partitioned by range of `at`), one partition per UTC day in it (events_r<days>_<yyyymmdd>),
// and a DEFAULT partition per class for rows no day partition covers yet. Retention drops whole
// day partitions; nothing here deletes rows one by one except in the DEFAULT partitions.
// Every change runs under one transaction-level advisory lock, so processes sharing the
// database never race to create the same partition.
import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "./raw";

const PARTITION_LOCK = 727277;
const DAY_MS = 86_400_000;

function dayStart(d: Date): Date {
  return new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
}

function dayName(d: Date): string {
  return d.toISOString().slice(0, 10).replaceAll("-", "");
}

function classTable(keepDays: number): string {
  if (!Number.isInteger(keepDays) || keepDays < 0 || keepDays > 100_000) throw new Error(`invalid retention class ${keepDays}`);
  return `events_r${keepDays}`;
}

const ident = (name: string) => sql.raw(`"${name}"`);
const literal = (d: Date) => sql.raw(`'${d.toISOString()}'`);

/** Creates the class's partition set (and its DEFAULT partition) when missing. */
export async function ensureRetentionClass(db: Db, keepDays: number): Promise<void> {
  const table = classTable(keepDays);
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PARTITION_LOCK})`);
    const [exists] = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from pg_class where relname = ${table}`));
    if (exists && Number(exists.n) > 0) return;
    // Rows of this class that arrived before it existed sit in events_rother: move them over.
    await tx.execute(sql`create table ${ident(table)} (like events including defaults including constraints) partition by range (at)`);
    await tx.execute(sql`create table ${ident(`${table}_default`)} partition of ${ident(table)} default`);
    await tx.execute(sql`with moved as (delete from events_rother where keep_days = ${keepDays} returning *) insert into ${ident(table)} select * from moved`);
    await tx.execute(sql`alter table events attach partition ${ident(table)} for values in (${sql.raw(String(keepDays))})`);
  });
}

/**
 * Makes sure a day partition exists for each given day of a class. Rows of that day already in
 * the class's DEFAULT partition are moved into it in the same transaction (PostgreSQL refuses
 * to attach a partition whose range the DEFAULT partition still holds rows of).
 */
export async function ensureDayPartitions(db: Db, keepDays: number, days: Date[]): Promise<string[]> {
  const table = classTable(keepDays);
  const created: string[] = [];
  const existing = new Set((await listDayPartitions(db, keepDays)).map((p) => p.name));
  for (const day of [...new Set(days.map((d) => dayStart(d).getTime()))].map((t) => new Date(t))) {
    const name = `${table}_${dayName(day)}`;
    if (existing.has(name)) continue;
    const next = new Date(day.getTime() + DAY_MS);
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${PARTITION_LOCK})`);
      const [attached] = rowsOf<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where c.relname = ${name} and p.relname = ${table}`),
      );
      if (attached && Number(attached.n) > 0) return;
      await tx.execute(sql`create table if not exists ${ident(name)} (like ${ident(table)} including defaults including constraints)`);
      await tx.execute(sql`
        with moved as (delete from ${ident(`${table}_default`)} where at >= ${literal(day)}::timestamptz and at < ${literal(next)}::timestamptz returning *)
        insert into ${ident(name)} select * from moved`);
      await tx.execute(sql`alter table ${ident(table)} attach partition ${ident(name)} for values from (${literal(day)}) to (${literal(next)})`);
      created.push(name);
    });
  }
  return created;
}

export interface DayPartition {
  name: string;
  day: Date;
}

export async function listDayPartitions(db: Db, keepDays: number): Promise<DayPartition[]> {
  const table = classTable(keepDays);
  const rows = rowsOf<{ name: string }>(
    await db.execute(sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = ${table} order by c.relname`),
  );
  const out: DayPartition[] = [];
  for (const r of rows) {
    const m = /_(\d{4})(\d{2})(\d{2})$/.exec(r.name);
    if (m) out.push({ name: r.name, day: new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) });
  }
  return out;
}

/** Retention classes that have a partition set. */
export async function listRetentionClasses(db: Db): Promise<number[]> {
  const rows = rowsOf<{ name: string }>(
    await db.execute(sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = 'events'`),
  );
  return rows.map((r) => /^events_r(\d+)$/.exec(r.name)?.[1]).filter((v): v is string => v !== undefined).map(Number).sort((a, b) => a - b);
}

/**
 * Drops the class's day partitions that ended before `before` and deletes its DEFAULT
 * partition's rows older than that; returns the partitions dropped. Class 0 is never pruned.
 */
export async function dropExpiredPartitions(db: Db, keepDays: number, before: Date): Promise<string[]> {
  if (keepDays === 0) return [];
  const table = classTable(keepDays);
  const cutoff = dayStart(before);
  const dropped: string[] = [];
  for (const p of await listDayPartitions(db, keepDays)) {
    if (p.day.getTime() + DAY_MS > cutoff.getTime()) continue;
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${PARTITION_LOCK})`);
      await tx.execute(sql`drop table if exists ${ident(p.name)}`);
    });
    dropped.push(p.name);
  }
  await db.execute(sql`delete from ${ident(`${table}_default`)} where at < ${literal(cutoff)}::timestamptz`);
  await db.execute(sql`delete from events_rother where keep_days = ${keepDays} and at < ${literal(cutoff)}::timestamptz`);
  return dropped;
}

/** Days that have rows in the class's DEFAULT partition (they get a day partition of their own). */
export async function daysInDefaultPartition(db: Db, keepDays: number): Promise<Date[]> {
  const table = classTable(keepDays);
  const rows = rowsOf<{ d: string }>(
    await db.execute(sql`select distinct to_char(at at time zone 'UTC', 'YYYY-MM-DD') as d from ${ident(`${table}_default`)} limit 400`),
  );
  return rows.map((r) => new Date(`${r.d}T00:00:00Z`));
}
