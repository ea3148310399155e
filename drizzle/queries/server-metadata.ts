// Server metadata: read in insertion order; set and delete keys, reporting which changed.
// Values are secrets more often than not: nothing here logs them.
import { asc, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { serverMetadata } from "../schema";

export async function getServerMetadata(db: Db): Promise<Array<{ key: string; value: string }>> {
  return db.select({ key: serverMetadata.key, value: serverMetadata.value }).from(serverMetadata).orderBy(asc(serverMetadata.position));
}

/**
 * Sets each `set` pair (distinct keys; a new key goes last, an existing one keeps its place) and
 * deletes the `remove` keys. Returns the keys actually changed: a new value, or removed.
 */
export async function updateServerMetadata(
  db: Db,
  p: { set: Array<[key: string, value: string]>; remove: string[]; principal: string; at: Date },
): Promise<string[]> {
  const changed: string[] = [];
  if (p.set.length) {
    const rows = await db
      .insert(serverMetadata)
      .values(p.set.map(([key, value]) => ({ key, value, updatedAt: p.at, updatedBy: p.principal })))
      .onConflictDoUpdate({
        target: serverMetadata.key,
        set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at`, updatedBy: sql`excluded.updated_by` },
        setWhere: sql`${serverMetadata.value} is distinct from excluded.value`,
      })
      .returning({ key: serverMetadata.key });
    changed.push(...rows.map((r) => r.key));
  }
  if (p.remove.length) {
    const rows = await db.delete(serverMetadata).where(inArray(serverMetadata.key, p.remove)).returning({ key: serverMetadata.key });
    changed.push(...rows.map((r) => r.key));
  }
  return changed;
}
