// The audit log: append and page backwards in time.
import { desc, lt, sql, eq, and, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { auditLog, type AuditRecord } from "../schema";

export async function appendAudit(
  db: Db,
  p: { principal: string; operation: string; details: Record<string, unknown>; at?: Date },
): Promise<AuditRecord> {
  const [row] = await db
    .insert(auditLog)
    .values({ principal: p.principal, operation: p.operation, details: p.details, at: p.at ?? new Date() })
    .returning();
  return row!;
}

export async function listAudit(
  db: Db,
  p: { before?: number; limit: number; principal?: string; operation?: string },
): Promise<AuditRecord[]> {
  const where: SQL[] = [];
  if (p.before !== undefined) where.push(lt(auditLog.id, p.before));
  if (p.principal) where.push(eq(auditLog.principal, p.principal));
  if (p.operation) where.push(eq(auditLog.operation, p.operation));
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(p.limit);
}

export async function countAudit(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
  return Number(row?.n ?? 0);
}
