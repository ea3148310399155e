// Managed secrets: summaries (never the values) for listings, the values for one secret by
// name (the secrets service's resolve() only), and create/update/delete. Nothing here logs.
import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { ConflictError, NotFoundError } from "../errors";
import { secrets } from "../schema";

export interface SecretSummaryRow {
  name: string;
  type: string;
  fields: string[];
  users: string[];
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
}

// The field names are computed in the database, so a listing never reads a value.
const summary = {
  name: secrets.name,
  type: secrets.type,
  fields: sql<string[]>`coalesce((select array_agg(k order by k) from jsonb_object_keys(${secrets.data}) k), '{}'::text[])`,
  users: secrets.users,
  createdBy: secrets.createdBy,
  createdAt: secrets.createdAt,
  updatedBy: secrets.updatedBy,
  updatedAt: secrets.updatedAt,
};

export async function listSecrets(db: Db): Promise<SecretSummaryRow[]> {
  return db.select(summary).from(secrets).orderBy(asc(secrets.name));
}

export async function getSecretSummary(db: Db, name: string): Promise<SecretSummaryRow> {
  const [row] = await db.select(summary).from(secrets).where(eq(secrets.name, name));
  if (!row) throw new NotFoundError(`no secret named ${name}`);
  return row;
}

/** The values of one secret, with its type and users (for resolve()). */
export async function getSecretValues(db: Db, name: string): Promise<{ type: string; users: string[]; data: Record<string, unknown> }> {
  const [row] = await db.select({ type: secrets.type, users: secrets.users, data: secrets.data }).from(secrets).where(eq(secrets.name, name));
  if (!row) throw new NotFoundError(`no secret named ${name}`);
  return { type: row.type, users: row.users, data: row.data as Record<string, unknown> };
}

export async function createSecret(db: Db, p: { name: string; type: string; data: Record<string, unknown>; users: string[]; principal: string; at: Date }): Promise<void> {
  const rows = await db
    .insert(secrets)
    .values({ name: p.name, type: p.type, data: p.data, users: p.users, createdBy: p.principal, createdAt: p.at, updatedBy: p.principal, updatedAt: p.at })
    .onConflictDoNothing({ target: secrets.name })
    .returning({ name: secrets.name });
  if (!rows[0]) throw new ConflictError(`a secret named ${p.name} already exists`);
}

export async function updateSecret(db: Db, p: { name: string; users?: string[]; data?: Record<string, unknown>; principal: string; at: Date }): Promise<void> {
  const set: Partial<typeof secrets.$inferInsert> = { updatedBy: p.principal, updatedAt: p.at };
  if (p.users) set.users = p.users;
  if (p.data) set.data = p.data;
  const rows = await db.update(secrets).set(set).where(eq(secrets.name, p.name)).returning({ name: secrets.name });
  if (!rows[0]) throw new NotFoundError(`no secret named ${p.name}`);
}

export async function deleteSecret(db: Db, name: string): Promise<void> {
  const rows = await db.delete(secrets).where(eq(secrets.name, name)).returning({ name: secrets.name });
  if (!rows[0]) throw new NotFoundError(`no secret named ${name}`);
}
