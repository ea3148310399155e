// Users, sessions and API keys.
import { and, asc, eq, gt, lt, ne, sql } from "drizzle-orm";
import type { Db } from "../client";
import { ConflictError, NotFoundError } from "../errors";
import { apiKeys, sessions, users, type ApiKeyRecord, type UserRecord } from "../schema";

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return Number(row?.n ?? 0);
}

export async function createUser(
  db: Db,
  p: { id: string; username: string; passwordHash: string; role: string },
): Promise<UserRecord> {
  const rows = await db
    .insert(users)
    .values(p)
    .onConflictDoNothing({ target: users.username })
    .returning();
  if (!rows[0]) throw new ConflictError(`a user named ${p.username} already exists`);
  return rows[0];
}

export async function getUserByName(db: Db, username: string): Promise<UserRecord | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

export async function getUserById(db: Db, id: string): Promise<UserRecord> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  if (!row) throw new NotFoundError(`no user with id ${id}`);
  return row;
}

export async function listUsers(db: Db): Promise<UserRecord[]> {
  return db.select().from(users).orderBy(asc(users.username));
}

export async function updateUser(
  db: Db,
  p: { username: string; role?: string; passwordHash?: string; disabled?: boolean },
): Promise<UserRecord> {
  const set: Partial<UserRecord> = { updatedAt: new Date() };
  if (p.role !== undefined) set.role = p.role;
  if (p.passwordHash !== undefined) set.passwordHash = p.passwordHash;
  if (p.disabled !== undefined) set.disabled = p.disabled;
  const [row] = await db.update(users).set(set).where(eq(users.username, p.username)).returning();
  if (!row) throw new NotFoundError(`no user named ${p.username}`);
  return row;
}

export async function createSession(
  db: Db,
  p: { id: string; userId: string; expiresAt: Date; userAgent: string },
): Promise<void> {
  await db.insert(sessions).values(p);
}

export interface SessionWithUser {
  sessionId: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  user: UserRecord;
}

export async function getSessionWithUser(
  db: Db,
  sessionId: string,
  now: Date,
): Promise<SessionWithUser | undefined> {
  const [row] = await db
    .select({ s: sessions, u: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, now)));
  if (!row) return undefined;
  return { sessionId: row.s.id, createdAt: row.s.createdAt, expiresAt: row.s.expiresAt, lastSeenAt: row.s.lastSeenAt, user: row.u };
}

export async function touchSession(
  db: Db,
  p: { sessionId: string; lastSeenAt: Date; expiresAt: Date },
): Promise<void> {
  await db
    .update(sessions)
    .set({ lastSeenAt: p.lastSeenAt, expiresAt: p.expiresAt })
    .where(eq(sessions.id, p.sessionId));
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends a user's sessions; `keepSessionId` (the one making the change) stays. Returns how many ended. */
export async function deleteSessionsOfUser(db: Db, userId: string, keepSessionId?: string): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId))
    .returning({ id: sessions.id });
  return rows.length;
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}

export async function createApiKey(
  db: Db,
  p: { id: string; secretHash: string; userId: string; name: string; createdBy: string },
): Promise<ApiKeyRecord> {
  const [row] = await db.insert(apiKeys).values(p).returning();
  return row!;
}

export async function getApiKeyWithUser(
  db: Db,
  id: string,
): Promise<{ key: ApiKeyRecord; user: UserRecord } | undefined> {
  const [row] = await db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.id, id));
  return row;
}

export async function listApiKeys(db: Db): Promise<Array<ApiKeyRecord & { username: string }>> {
  const rows = await db
    .select({ key: apiKeys, username: users.username })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .orderBy(asc(apiKeys.createdAt));
  return rows.map((r) => ({ ...r.key, username: r.username }));
}

export async function markApiKeyUsed(db: Db, id: string, at: Date): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
}

export async function revokeApiKey(db: Db, id: string): Promise<void> {
  const rows = await db.update(apiKeys).set({ revoked: true }).where(eq(apiKeys.id, id)).returning();
  if (!rows[0]) throw new NotFoundError(`no API key ${id}`);
}
