// Custom artifacts and their history. Every change writes the artifact row and a history row
// in one transaction.
import { asc, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { ConflictError, NotFoundError } from "../errors";
import { artifactHistory, customArtifacts, type ArtifactHistoryRecord, type CustomArtifactRecord } from "../schema";

export async function listCustomArtifacts(db: Db): Promise<CustomArtifactRecord[]> {
  return db.select().from(customArtifacts).orderBy(asc(customArtifacts.name));
}

export async function getCustomArtifact(db: Db, name: string): Promise<CustomArtifactRecord | undefined> {
  const [row] = await db.select().from(customArtifacts).where(eq(customArtifacts.name, name));
  return row;
}

export interface SaveCustomArtifactParams {
  name: string;
  type: string;
  description: string;
  yaml: string;
  principal: string;
  at: Date;
}

/** Creates or replaces a custom artifact, bumping its version, and records the change. */
export async function saveCustomArtifact(db: Db, p: SaveCustomArtifactParams): Promise<CustomArtifactRecord> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ version: customArtifacts.version }).from(customArtifacts).where(eq(customArtifacts.name, p.name)).for("update");
    const version = (existing?.version ?? 0) + 1;
    const fields = { type: p.type, description: p.description, yaml: p.yaml, version, updatedBy: p.principal, updatedAt: p.at };
    const [row] = await tx
      .insert(customArtifacts)
      .values({ name: p.name, ...fields, createdBy: p.principal, createdAt: p.at })
      .onConflictDoUpdate({ target: customArtifacts.name, set: fields })
      .returning();
    await tx.insert(artifactHistory).values({ name: p.name, operation: "set", version, yaml: p.yaml, principal: p.principal, at: p.at, details: { created: !existing } });
    return row!;
  });
}

export async function deleteCustomArtifact(db: Db, p: { name: string; principal: string; at: Date }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(customArtifacts).where(eq(customArtifacts.name, p.name)).returning();
    if (!row) throw new NotFoundError(`no custom artifact named ${p.name}`);
    await tx.insert(artifactHistory).values({ name: p.name, operation: "delete", version: row.version, yaml: null, principal: p.principal, at: p.at });
  });
}

/** Renames an artifact (its YAML rewritten by the caller); the history follows the new name. */
export async function renameCustomArtifact(
  db: Db,
  p: { from: string; to: string; yaml: string; principal: string; at: Date },
): Promise<CustomArtifactRecord> {
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ name: customArtifacts.name }).from(customArtifacts).where(eq(customArtifacts.name, p.to));
    if (taken) throw new ConflictError(`a custom artifact named ${p.to} already exists`);
    const [row] = await tx
      .update(customArtifacts)
      .set({ name: p.to, yaml: p.yaml, version: sql`${customArtifacts.version} + 1`, updatedBy: p.principal, updatedAt: p.at })
      .where(eq(customArtifacts.name, p.from))
      .returning();
    if (!row) throw new NotFoundError(`no custom artifact named ${p.from}`);
    await tx.update(artifactHistory).set({ name: p.to }).where(eq(artifactHistory.name, p.from));
    await tx.insert(artifactHistory).values({ name: p.to, operation: "rename", version: row.version, yaml: p.yaml, principal: p.principal, at: p.at, details: { from: p.from, to: p.to } });
    return row;
  });
}

export async function listArtifactHistory(db: Db, p: { name: string; limit: number }): Promise<ArtifactHistoryRecord[]> {
  return db.select().from(artifactHistory).where(eq(artifactHistory.name, p.name)).orderBy(desc(artifactHistory.id)).limit(p.limit);
}
