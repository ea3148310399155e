// The journal's events table is partitioned (LIST by retention class, then RANGE by UTC day),
// which drizzle's schema DSL cannot express: it is created by hand-written SQL in migration
// 0004 and read and written only by raw statements in drizzle/queries/journal.ts. Keeping it
// out of this schema stops drizzle-kit from generating a conflicting CREATE TABLE.
//
//   events(id bigint, tx xid8, keep_days int, queue text, at timestamptz, client_id text,
//          payload jsonb)  PARTITION BY LIST (keep_days) → events_r<N> PARTITION BY RANGE (at)
//                          → events_r<N>_<yyyymmdd>, events_r<N>_default

/** One stored event as the queries return it. */
export interface EventRecord {
  id: number;
  /** Writing transaction id (decimal text): with id, the event's position in the journal. */
  tx: string;
  queue: string;
  at: Date;
  clientId: string;
  payload: Record<string, unknown>;
}
