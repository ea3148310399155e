// Published events (the journal-to-be): every row published to a named queue such as
// System.Flow.Completion or Server.Internal.Label. The monitoring issue extends this table
// (partitioning by day, retention) and adds history queries.
import { bigint, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const events = pgTable(
  "events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** The queue (artifact) name. */
    queue: text("queue").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** The client the event is about, or "server". */
    clientId: text("client_id").notNull().default("server"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index("events_queue_at_idx").on(t.queue, t.at)],
);

export type EventRecord = typeof events.$inferSelect;
