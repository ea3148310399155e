// Hunts: one collection across many clients. `hunts` holds the hunt with its conditions and the
// collection request compiled once at creation; `hunt_clients` holds one row per (hunt, client)
// pair ever scheduled (the unique key is what makes "at most once" true), with its queue state.
// Counts per queue are derived from hunt_clients rows, never stored as counters.
import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

export const hunts = pgTable(
  "hunts",
  {
    /** `H.` + 13 base32 digits. */
    huntId: text("hunt_id").primaryKey(),
    description: text("description").notNull().default(""),
    tags: jsonb("tags").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    creator: text("creator").notNull(),
    /** PAUSED, RUNNING, STOPPED (expired and done are derived from expires_at). */
    state: text("state").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /** Last time it was started (RUNNING); null while it never ran. */
    startedAt: timestamp("started_at", { withTimezone: true }),
    stoppedAt: timestamp("stopped_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** 0: no limit. */
    clientLimit: integer("client_limit").notNull().default(0),
    includeLabels: jsonb("include_labels").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    excludeLabels: jsonb("exclude_labels").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** ALL, WINDOWS, LINUX, DARWIN. */
    os: text("os").notNull().default("ALL"),
    /** VQL run on the client first, as a short flow; its rows are the server condition's `rows`. */
    clientCondition: text("client_condition").notNull().default(""),
    /** The client condition compiled at creation (a flows request), or null without one. */
    conditionRequest: jsonb("condition_request").$type<Record<string, unknown>>(),
    /** VQL run on the server over the client's facts as `rows`; a returned row schedules the client. */
    serverCondition: text("server_condition").notNull().default(""),
    /** Clients started per minute; 0: as fast as the server allows. */
    clientRate: integer("client_rate").notNull().default(0),
    /** The flows service's compiled request (artifacts, parameters, sources, limits, permissions). */
    request: jsonb("request").$type<Record<string, unknown>>().notNull(),
    artifacts: jsonb("artifacts").$type<string[]>().notNull(),
    /** The start_time the last full scan of the client table was made for (null: none yet). */
    scannedFor: timestamp("scanned_for", { withTimezone: true }),
    /** Safety rail: stop when, with at least 10 finished clients, errors/finished exceeds this percentage (0: none). */
    maxErrorPercent: integer("max_error_percent").notNull().default(0),
    /** Safety rail: stop when the hunt's stored rows pass this (0: none). */
    maxTotalRows: bigint("max_total_rows", { mode: "number" }).notNull().default(0),
    /** Safety rail: stop when the hunt's uploaded bytes pass this (0: none). */
    maxTotalUploadBytes: bigint("max_total_upload_bytes", { mode: "number" }).notNull().default(0),
    /** Why the hunt stopped by itself (a rail, its client limit, its expiry); '' when it runs or a user stopped it. */
    stopReason: text("stop_reason").notNull().default(""),
  },
  (t) => [index("hunts_state_idx").on(t.state), index("hunts_created_idx").on(t.createdAt)],
);

export const huntClients = pgTable(
  "hunt_clients",
  {
    huntId: text("hunt_id")
      .notNull()
      .references(() => hunts.huntId, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    /** checking (its client condition runs), excluded (it did not match), pending, running, completed, with_results, error. */
    state: text("state").notNull(),
    /** The client-condition flow (checking), when the hunt has a client condition. */
    conditionFlowId: text("condition_flow_id"),
    /** Assigned when the manager starts the client's flow (`F.<id>.H`). */
    flowId: text("flow_id"),
    scheduledAt: timestamp("scheduled_at", { withTimezone: true }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    totalRows: bigint("total_rows", { mode: "number" }).notNull().default(0),
    totalUploadedBytes: bigint("total_uploaded_bytes", { mode: "number" }).notNull().default(0),
    error: text("error").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.huntId, t.clientId] }), index("hunt_clients_state_idx").on(t.huntId, t.state, t.scheduledAt), index("hunt_clients_flow_idx").on(t.flowId), index("hunt_clients_condition_flow_idx").on(t.conditionFlowId)],
);

export type HuntRecord = typeof hunts.$inferSelect;
export type HuntClientRecord = typeof huntClients.$inferSelect;
