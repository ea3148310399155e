// Uploaded bytes in the database (flow_upload_parts), so every process can store pieces an
// agent sends it and serve downloads of pieces another process stored: one row per piece the
// agent sent, keyed by its offset (a piece sent twice is stored once).
import { and, asc, eq, gte } from "drizzle-orm";
import type { Db } from "../client";
import { flowUploadParts } from "../schema";

export async function insertUploadPart(db: Db, p: { flowId: string; uploadId: string; offset: number; data: Uint8Array }): Promise<void> {
  await db.insert(flowUploadParts).values(p).onConflictDoNothing();
}

/** Pieces from `fromOffset` on, in offset order. */
export async function readUploadParts(db: Db, p: { flowId: string; uploadId: string; fromOffset: number; limit: number }): Promise<Array<{ offset: number; data: Uint8Array }>> {
  const rows = await db
    .select({ offset: flowUploadParts.offset, data: flowUploadParts.data })
    .from(flowUploadParts)
    .where(and(eq(flowUploadParts.flowId, p.flowId), eq(flowUploadParts.uploadId, p.uploadId), gte(flowUploadParts.offset, p.fromOffset)))
    .orderBy(asc(flowUploadParts.offset))
    .limit(p.limit);
  return rows.map((r) => ({ offset: Number(r.offset), data: r.data instanceof Uint8Array ? r.data : new Uint8Array(r.data as ArrayBuffer) }));
}

export async function deleteUploadParts(db: Db, p: { flowId: string; uploadId: string }): Promise<void> {
  await db.delete(flowUploadParts).where(and(eq(flowUploadParts.flowId, p.flowId), eq(flowUploadParts.uploadId, p.uploadId)));
}
