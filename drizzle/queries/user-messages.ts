// Messages to users' GUIs (user_message()): stored per recipient, listed newest first, counted
// while unread, marked read.
import { and, count, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../client";
import { userMessages, type UserMessageRecord } from "../schema";

export async function createUserMessage(db: Db, p: { username: string; sender: string; messageJson: string; at: Date }): Promise<UserMessageRecord> {
  const [row] = await db
    .insert(userMessages)
    .values({ username: p.username, sender: p.sender, message: p.messageJson, createdAt: p.at })
    .returning();
  return row!;
}

export async function listUserMessages(db: Db, p: { username: string; limit: number }): Promise<UserMessageRecord[]> {
  return db.select().from(userMessages).where(eq(userMessages.username, p.username)).orderBy(desc(userMessages.id)).limit(p.limit);
}

export async function countUnreadUserMessages(db: Db, username: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(userMessages).where(and(eq(userMessages.username, username), isNull(userMessages.readAt)));
  return Number(row?.n ?? 0);
}

export async function markUserMessagesRead(db: Db, p: { username: string; at: Date }): Promise<void> {
  await db.update(userMessages).set({ readAt: p.at }).where(and(eq(userMessages.username, p.username), isNull(userMessages.readAt)));
}
