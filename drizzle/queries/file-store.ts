// Server-side files in the database: start one (replacing a file of that path and its parts),
// append parts, mark it complete or failed, read its parts in order, list by prefix, delete.
import { and, asc, eq, gt, like } from "drizzle-orm";
import type { Db } from "../client";
import { fileStoreFiles, fileStoreParts, type FileStoreFileRecord } from "../schema";

export async function startStoredFile(db: Db, p: { path: string; principal: string; at: Date }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(fileStoreParts).where(eq(fileStoreParts.path, p.path));
    await tx
      .insert(fileStoreFiles)
      .values({ path: p.path, size: 0, complete: false, createdBy: p.principal, createdAt: p.at })
      .onConflictDoUpdate({ target: fileStoreFiles.path, set: { size: 0, complete: false, error: null, createdBy: p.principal, createdAt: p.at, completedAt: null } });
  });
}

export async function appendStoredFilePart(db: Db, p: { path: string; seq: number; data: Uint8Array }): Promise<void> {
  await db.insert(fileStoreParts).values(p);
}

export async function finishStoredFile(db: Db, p: { path: string; size: number; error?: string; at: Date }): Promise<void> {
  await db
    .update(fileStoreFiles)
    .set({ size: p.size, complete: !p.error, error: p.error ?? null, completedAt: p.at })
    .where(eq(fileStoreFiles.path, p.path));
}

export async function getStoredFile(db: Db, path: string): Promise<FileStoreFileRecord | undefined> {
  const [row] = await db.select().from(fileStoreFiles).where(eq(fileStoreFiles.path, path));
  return row;
}

/** Parts after `afterSeq`, in order. */
export async function readStoredFileParts(db: Db, p: { path: string; afterSeq: number; limit: number }): Promise<Array<{ seq: number; data: Uint8Array }>> {
  const rows = await db
    .select({ seq: fileStoreParts.seq, data: fileStoreParts.data })
    .from(fileStoreParts)
    .where(and(eq(fileStoreParts.path, p.path), gt(fileStoreParts.seq, p.afterSeq)))
    .orderBy(asc(fileStoreParts.seq))
    .limit(p.limit);
  return rows.map((r) => ({ seq: r.seq, data: r.data instanceof Uint8Array ? r.data : new Uint8Array(r.data as ArrayBuffer) }));
}

/** Files whose path starts with `prefix` (LIKE wildcards in it are escaped), by path. */
export async function listStoredFiles(db: Db, prefix: string): Promise<FileStoreFileRecord[]> {
  const pattern = prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + "%";
  return db.select().from(fileStoreFiles).where(like(fileStoreFiles.path, pattern)).orderBy(asc(fileStoreFiles.path));
}

/** True when a file was deleted. */
export async function deleteStoredFile(db: Db, path: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.delete(fileStoreParts).where(eq(fileStoreParts.path, path));
    const rows = await tx.delete(fileStoreFiles).where(eq(fileStoreFiles.path, path)).returning({ path: fileStoreFiles.path });
    return rows.length > 0;
  });
}
