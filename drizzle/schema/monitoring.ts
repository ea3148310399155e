// Event monitoring's own tables: the two event tables (the server's and the clients', each one
// row holding Velociraptor's table as JSON with a version), the state of each running server
// event query as the process running it last reported it, and the log lines of event queries
// (server and client) by artifact and day. Event rows themselves are journal events.
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

export const eventTables = pgTable("event_tables", {
  /** `server` or `client`. */
  kind: text("kind").primaryKey(),
  /** The table (see engine/server/contracts/monitoring.ts for its shape). */
  spec: jsonb("spec").$type<Record<string, unknown>>().notNull(),
  /** Milliseconds since the epoch of the last change; agents report the version they run. */
  version: bigint("version", { mode: "number" }).notNull(),
  updatedBy: text("updated_by").notNull().default(""),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const serverEventStatus = pgTable("server_event_status", {
  /** `Artifact` or `Artifact/Source`: one query of the server event table. */
  name: text("name").primaryKey(),
  artifact: text("artifact").notNull(),
  /** starting, running, failed (restarting after a backoff), stopped. */
  state: text("state").notNull(),
  error: text("error").notNull().default(""),
  /** The process running it. */
  nodeId: text("node_id").notNull().default(""),
  startedAt: timestamp("started_at", { withTimezone: true }),
  lastRowAt: timestamp("last_row_at", { withTimezone: true }),
  /** Rows since it started. */
  rows: bigint("rows", { mode: "number" }).notNull().default(0),
  restarts: integer("restarts").notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const eventLogs = pgTable(
  "event_logs",
  {
    id: bigint("id", { mode: "number" }).generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    /** `server` for server event queries. */
    clientId: text("client_id").notNull(),
    /** `Artifact` or `Artifact/Source`. */
    artifact: text("artifact").notNull(),
    level: text("level").notNull(),
    message: text("message").notNull(),
  },
  (t) => [primaryKey({ columns: [t.id] }), index("event_logs_artifact_idx").on(t.artifact, t.clientId, t.at)],
);

export type EventTableRecord = typeof eventTables.$inferSelect;
export type ServerEventStatusRecord = typeof serverEventStatus.$inferSelect;
export type EventLogRecord = typeof eventLogs.$inferSelect;

