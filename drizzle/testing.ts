// Test databases: a fresh in-memory PGlite, and when TEST_DATABASE_URL is set, a fresh
// PostgreSQL database created for the test file and dropped afterwards.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { openDatabase, type Database, type Db } from "./client";

export interface TestDatabaseTarget {
  name: "pglite" | "postgres";
  open(): Promise<Database>;
}

async function openFreshPostgres(adminUrl: string): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const name = `talon_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const inner = await openDatabase({ url: url.toString() });
  return {
    ...inner,
    async close() {
      await inner.close();
      const drop = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await drop.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await drop.end();
    },
  };
}

/** The databases every DB test runs against: PGlite always, PostgreSQL when configured. */
export function testDatabaseTargets(): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [
    { name: "pglite", open: () => openDatabase({ memory: true }) },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) targets.push({ name: "postgres", open: () => openFreshPostgres(url) });
  return targets;
}

/**
 * Per client, for a queue whose rows carry a per-client sequence number in `field` (1, 2, ...):
 * the highest number, how many distinct numbers and how many rows are stored. Tests use it to
 * show no row was lost (distinct = highest) or stored twice (rows = distinct).
 */
export async function eventSequenceStats(db: Db, queue: string, field: string): Promise<Array<{ clientId: string; max: number; distinct: number; total: number }>> {
  const r = (await db.execute(sql`
    select client_id, max((payload->>${field})::int) as max, count(distinct (payload->>${field})::int) as distinct, count(*) as total
    from events where queue = ${queue} group by client_id`)) as unknown as { rows?: Array<Record<string, unknown>> } | Array<Record<string, unknown>>;
  return (Array.isArray(r) ? r : (r.rows ?? [])).map((x) => ({ clientId: String(x.client_id), max: Number(x.max), distinct: Number(x.distinct), total: Number(x.total) }));
}

/**
 * Per client (the rows' `client_id`), for Server.Internal.Alerts rows whose event data carries a
 * per-client sequence number in `field`: the highest, how many distinct and how many rows; and
 * how many were raised (by their own timestamp) between `from` and `to`.
 */
export async function alertSequenceStats(
  db: Db,
  field: string,
  window: { from: Date; to: Date },
): Promise<Array<{ clientId: string; max: number; distinct: number; total: number; during: number }>> {
  const r = (await db.execute(sql`
    select payload->>'client_id' as client_id, max((payload->'event_data'->>${field})::int) as max,
           count(distinct (payload->'event_data'->>${field})::int) as distinct, count(*) as total,
           count(*) filter (where (payload->>'timestamp')::timestamptz between ${window.from.toISOString()}::timestamptz and ${window.to.toISOString()}::timestamptz) as during
    from events where queue = 'Server.Internal.Alerts' group by 1`)) as unknown as { rows?: Array<Record<string, unknown>> } | Array<Record<string, unknown>>;
  return (Array.isArray(r) ? r : (r.rows ?? [])).map((x) => ({ clientId: String(x.client_id), max: Number(x.max), distinct: Number(x.distinct), total: Number(x.total), during: Number(x.during) }));
}

/** The alert inbox's entries of one name: client, count and artifact type. */
export async function inboxEntries(db: Db, name: string): Promise<Array<{ clientId: string; count: number; artifactType: string }>> {
  const r = (await db.execute(sql`select client_id, count, artifact_type from alerts where name = ${name}`)) as unknown as { rows?: Array<Record<string, unknown>> } | Array<Record<string, unknown>>;
  return (Array.isArray(r) ? r : (r.rows ?? [])).map((x) => ({ clientId: String(x.client_id), count: Number(x.count), artifactType: String(x.artifact_type) }));
}

/**
 * Every stored row (of every table, partitioned ones once through their parent) whose text
 * contains `needle`, at most `perTable` per table: the fuzz tests' "nothing of the corpus was
 * stored" check, which must not depend on knowing which table a bug would write to.
 */
export async function rowsContaining(db: Db, needle: string, perTable = 20): Promise<Array<{ table: string; row: Record<string, unknown> }>> {
  const rowsOf = (r: unknown) => (Array.isArray(r) ? r : ((r as { rows?: Array<Record<string, unknown>> }).rows ?? [])) as Array<Record<string, unknown>>;
  const tables = rowsOf(
    await db.execute(sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition order by 1`),
  ).map((t) => String(t.name));
  const out: Array<{ table: string; row: Record<string, unknown> }> = [];
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  for (const table of tables) {
    const ident = sql.identifier(table);
    for (const row of rowsOf(await db.execute(sql`select to_jsonb(t) as row from ${ident} t where t::text like ${pattern} limit ${perTable}`))) out.push({ table, row: row.row as Record<string, unknown> });
  }
  return out;
}
