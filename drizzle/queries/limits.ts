// Role limits (read all, upsert one) and run slots: take one for a user only while the user
// has fewer than `limit` slots on live processes (under a per-user transaction advisory lock,
// so two processes cannot both take the last one), give one back, and sweep the slots of
// processes that are gone.
import { and, asc, count, eq, inArray, lt, notInArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { roleLimits, runSlots, type RoleLimitsRecord } from "../schema";
import { inTransaction } from "./tx";

/** Advisory lock space of run slots (beside LOCK_SPACE.slot/lease in cluster.ts). */
const RUN_SLOT_LOCK_SPACE = 727277;

export async function listRoleLimits(db: Db): Promise<RoleLimitsRecord[]> {
  return db.select().from(roleLimits).orderBy(asc(roleLimits.role));
}

export async function setRoleLimits(db: Db, p: { role: string; maxTimeoutSeconds: number; maxRows: number; maxConcurrent: number; by: string; at: Date }): Promise<RoleLimitsRecord> {
  const values = { role: p.role, maxTimeoutSeconds: p.maxTimeoutSeconds, maxRows: p.maxRows, maxConcurrent: p.maxConcurrent, updatedBy: p.by, updatedAt: p.at };
  const [row] = await db
    .insert(roleLimits)
    .values(values)
    .onConflictDoUpdate({ target: roleLimits.role, set: { maxTimeoutSeconds: values.maxTimeoutSeconds, maxRows: values.maxRows, maxConcurrent: values.maxConcurrent, updatedBy: values.updatedBy, updatedAt: values.updatedAt } })
    .returning();
  return row!;
}

/** Takes a run slot when the user has fewer than `limit` on the live processes; `running` counts them (the new one included when taken). */
export async function tryTakeRunSlot(
  db: Db,
  p: { id: string; username: string; nodeId: string; kind: string; limit: number; liveNodeIds: string[]; at: Date },
): Promise<{ taken: boolean; running: number }> {
  return inTransaction(db, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${RUN_SLOT_LOCK_SPACE}::int, hashtext(${p.username}))`);
    const live = p.liveNodeIds.length ? p.liveNodeIds : [p.nodeId];
    const [r] = await tx.select({ n: count() }).from(runSlots).where(and(eq(runSlots.username, p.username), inArray(runSlots.nodeId, live)));
    const running = Number(r?.n ?? 0);
    if (running >= p.limit) return { taken: false, running };
    await tx.insert(runSlots).values({ id: p.id, username: p.username, nodeId: p.nodeId, kind: p.kind, startedAt: p.at });
    return { taken: true, running: running + 1 };
  });
}

export async function releaseRunSlot(db: Db, id: string): Promise<void> {
  await db.delete(runSlots).where(eq(runSlots.id, id));
}

/** Slots a user holds on live processes. */
export async function countRunSlots(db: Db, username: string, liveNodeIds: string[]): Promise<number> {
  if (!liveNodeIds.length) return 0;
  const [r] = await db.select({ n: count() }).from(runSlots).where(and(eq(runSlots.username, username), inArray(runSlots.nodeId, liveNodeIds)));
  return Number(r?.n ?? 0);
}

/** Deletes slots of processes not in `liveNodeIds` taken before `before`, and every slot of `nodeId` when given (its own, at stop). */
export async function sweepRunSlots(db: Db, p: { liveNodeIds: string[]; before: Date; nodeId?: string }): Promise<number> {
  if (p.nodeId) {
    const mine = await db.delete(runSlots).where(eq(runSlots.nodeId, p.nodeId)).returning({ id: runSlots.id });
    return mine.length;
  }
  const where = p.liveNodeIds.length ? and(notInArray(runSlots.nodeId, p.liveNodeIds), lt(runSlots.startedAt, p.before)) : lt(runSlots.startedAt, p.before);
  const gone = await db.delete(runSlots).where(where).returning({ id: runSlots.id });
  return gone.length;
}
