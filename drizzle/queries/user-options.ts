// Per-user options: read one user's (an empty object when none are stored) and merge changes in
// (one statement, so concurrent changes to different options of one user both land).
import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { userOptions } from "../schema";

export async function getUserOptions(db: Db, username: string): Promise<Record<string, unknown>> {
  const [row] = await db.select({ options: userOptions.options }).from(userOptions).where(eq(userOptions.username, username));
  return (row?.options as Record<string, unknown> | undefined) ?? {};
}

export async function mergeUserOptions(db: Db, p: { username: string; change: Record<string, unknown>; principal: string; at: Date }): Promise<void> {
  await db
    .insert(userOptions)
    .values({ username: p.username, options: p.change, updatedBy: p.principal, updatedAt: p.at })
    .onConflictDoUpdate({ target: userOptions.username, set: { options: sql`${userOptions.options} || ${JSON.stringify(p.change)}::jsonb`, updatedBy: p.principal, updatedAt: p.at } });
}
