// The file browser's cache (VFS): entries written in batches through the driver as one JSON
// array expanded server-side (jsonb_to_recordset), a listing finished by removing what an older
// listing of the same directories left and recording each directory's time and count; pages of a
// directory in name order straight from the primary key; the latest download of a file.
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { vfsDirectories, vfsDownloads, vfsEntries, type VfsDirectoryRecord, type VfsDownloadRecord, type VfsEntryRecord } from "../schema";
import { preparedRows, rowsOf } from "./raw";

export interface VfsEntryInput {
  dirPath: string;
  name: string;
  osPath: string;
  isDir: boolean;
  isLink: boolean;
  size: number;
  mode: string;
  /** ISO times or null. */
  mtime: string | null;
  atime: string | null;
  ctime: string | null;
  btime: string | null;
}

const UPSERT_ENTRIES = `
  insert into vfs_entries as e (client_id, dir_path, name, os_path, is_dir, is_link, size, mode, mtime, atime, ctime, btime, flow_id)
  select $1, x.dir_path, x.name, x.os_path, x.is_dir, x.is_link, x.size, x.mode, x.mtime, x.atime, x.ctime, x.btime, $2
  from jsonb_to_recordset($3::jsonb)
    as x(dir_path text, name text, os_path text, is_dir boolean, is_link boolean, size bigint, mode text, mtime timestamptz, atime timestamptz, ctime timestamptz, btime timestamptz)
  on conflict (client_id, dir_path, name) do update set
    os_path = excluded.os_path, is_dir = excluded.is_dir, is_link = excluded.is_link, size = excluded.size, mode = excluded.mode,
    mtime = excluded.mtime, atime = excluded.atime, ctime = excluded.ctime, btime = excluded.btime, flow_id = excluded.flow_id`;

/** Writes one batch of a listing's entries (one statement; a name seen twice keeps the last). */
export async function upsertVfsEntries(db: Db, p: { clientId: string; flowId: string; entries: VfsEntryInput[] }): Promise<void> {
  if (!p.entries.length) return;
  // One statement may not touch a row twice: the last entry of a (directory, name) wins.
  const unique = new Map<string, VfsEntryInput>();
  for (const e of p.entries) unique.set(`${e.dirPath}\u0000${e.name}`, e);
  const json = JSON.stringify(
    [...unique.values()].map((e) => ({
      dir_path: e.dirPath,
      name: e.name,
      os_path: e.osPath,
      is_dir: e.isDir,
      is_link: e.isLink,
      size: e.size,
      mode: e.mode,
      mtime: e.mtime,
      atime: e.atime,
      ctime: e.ctime,
      btime: e.btime,
    })),
  );
  await preparedRows(db, UPSERT_ENTRIES, [p.clientId, p.flowId, json]);
}

/**
 * Ends a listing of `dirs`: entries an older listing left in them are removed, and each
 * directory records the time, the flow and its count of entries.
 */
export async function finishVfsListing(db: Db, p: { clientId: string; flowId: string; listedAt: Date; dirs: string[] }): Promise<void> {
  if (!p.dirs.length) return;
  const dirs = JSON.stringify(p.dirs);
  await db.execute(sql`
    delete from vfs_entries e using jsonb_array_elements_text(${dirs}::jsonb) as d(path)
    where e.client_id = ${p.clientId} and e.dir_path = d.path and e.flow_id <> ${p.flowId}`);
  await db.execute(sql`
    insert into vfs_directories (client_id, path, listed_at, flow_id, total_entries)
    select ${p.clientId}, d.path, ${p.listedAt.toISOString()}::timestamptz, ${p.flowId},
           (select count(*) from vfs_entries e where e.client_id = ${p.clientId} and e.dir_path = d.path)
    from (select distinct path from jsonb_array_elements_text(${dirs}::jsonb) as t(path)) as d
    on conflict (client_id, path) do update set listed_at = excluded.listed_at, flow_id = excluded.flow_id, total_entries = excluded.total_entries`);
}

export async function getVfsDirectory(db: Db, clientId: string, path: string): Promise<VfsDirectoryRecord | undefined> {
  const [row] = await db.select().from(vfsDirectories).where(and(eq(vfsDirectories.clientId, clientId), eq(vfsDirectories.path, path)));
  return row;
}

/** One page of a directory's entries in name order (the primary key's order: no sort). */
export async function listVfsEntries(db: Db, p: { clientId: string; dirPath: string; offset: number; limit: number }): Promise<VfsEntryRecord[]> {
  return db
    .select()
    .from(vfsEntries)
    .where(and(eq(vfsEntries.clientId, p.clientId), eq(vfsEntries.dirPath, p.dirPath)))
    .orderBy(asc(vfsEntries.name))
    .offset(p.offset)
    .limit(p.limit);
}

/** Up to `limit` subdirectories of a directory, in name order (the tree). */
export async function listVfsSubdirectories(db: Db, p: { clientId: string; dirPath: string; limit: number }): Promise<Array<{ name: string; osPath: string; listed: boolean }>> {
  const r = await db.execute(sql`
    select e.name, e.os_path, (d.path is not null) as listed
    from vfs_entries e left join vfs_directories d on d.client_id = e.client_id and d.path = e.os_path
    where e.client_id = ${p.clientId} and e.dir_path = ${p.dirPath} and e.is_dir
    order by e.name limit ${p.limit}`);
  return rowsOf<{ name: string; os_path: string; listed: boolean }>(r).map((x) => ({ name: x.name, osPath: x.os_path, listed: Boolean(x.listed) }));
}

export async function getVfsEntry(db: Db, p: { clientId: string; dirPath: string; name: string }): Promise<VfsEntryRecord | undefined> {
  const [row] = await db
    .select()
    .from(vfsEntries)
    .where(and(eq(vfsEntries.clientId, p.clientId), eq(vfsEntries.dirPath, p.dirPath), eq(vfsEntries.name, p.name)));
  return row;
}

/** How many directories a listing flow recorded (its progress once ingested). */
export async function countVfsDirectoriesOfFlow(db: Db, clientId: string, flowId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(vfsDirectories)
    .where(and(eq(vfsDirectories.clientId, clientId), eq(vfsDirectories.flowId, flowId)));
  return Number(row?.n ?? 0);
}

export async function upsertVfsDownloads(db: Db, rows: Array<{ clientId: string; path: string; flowId: string; size: number; sha256: string; downloadedAt: Date }>): Promise<void> {
  if (!rows.length) return;
  await db
    .insert(vfsDownloads)
    .values(rows)
    .onConflictDoUpdate({
      target: [vfsDownloads.clientId, vfsDownloads.path],
      set: { flowId: sql`excluded.flow_id`, size: sql`excluded.size`, sha256: sql`excluded.sha256`, downloadedAt: sql`excluded.downloaded_at` },
    });
}

export async function getVfsDownload(db: Db, clientId: string, path: string): Promise<VfsDownloadRecord | undefined> {
  const [row] = await db.select().from(vfsDownloads).where(and(eq(vfsDownloads.clientId, clientId), eq(vfsDownloads.path, path)));
  return row;
}
