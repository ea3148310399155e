// Row locks in a fixed order (clients, then flows, each by id) for writers that change several
// rows of them in one transaction, so writers on different processes wait for each other
// instead of deadlocking.
import { sql } from "drizzle-orm";
import type { Db } from "../client";

/** Locks these client rows, in id order, until the caller's transaction ends. */
export async function lockClientRows(db: Db, clientIds: string[]): Promise<void> {
  if (!clientIds.length) return;
  await db.execute(sql`select 1 from clients where client_id in (select jsonb_array_elements_text(${JSON.stringify(clientIds)}::jsonb)) order by client_id for update`);
}

/** Locks these clients' acknowledged-seq rows, in id order, until the caller's transaction ends (the ingest writer). */
export async function lockClientSeqs(db: Db, clientIds: string[]): Promise<void> {
  if (!clientIds.length) return;
  await db.execute(sql`select 1 from client_seqs where client_id in (select jsonb_array_elements_text(${JSON.stringify(clientIds)}::jsonb)) order by client_id for update`);
}

/** Locks these flow rows, in id order, until the caller's transaction ends (after any client rows). */
export async function lockFlowRows(db: Db, flowIds: string[]): Promise<void> {
  if (!flowIds.length) return;
  await db.execute(sql`select 1 from flows where flow_id in (select jsonb_array_elements_text(${JSON.stringify(flowIds)}::jsonb)) order by flow_id for update`);
}
