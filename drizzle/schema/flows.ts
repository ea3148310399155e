// Collections (flows) from clients: the flow record, per-source status and column order, result
// rows, logs and uploads. Rows and logs are written in batches by the raw-SQL queries in
// drizzle/queries/flows-ingest.ts.
import { sql } from "drizzle-orm";
import { bigint, boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { clients } from "./clients";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

export const flows = pgTable(
  "flows",
  {
    /** `F.` + 13 base32 digits. */
    flowId: text("flow_id").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.clientId, { onDelete: "cascade" }),
    creator: text("creator").notNull(),
    /** What was asked: artifacts with their parameters and sources, limits. */
    request: jsonb("request").$type<Record<string, unknown>>().notNull(),
    /** WAITING, RUNNING, FINISHED, ERROR, CANCELLED, TIMEOUT. */
    state: text("state").notNull(),
    /** Error text of a failed flow. */
    status: text("status").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** When the agent started it. */
    startedAt: timestamp("started_at", { withTimezone: true }),
    /** Last time data for it arrived. */
    activeAt: timestamp("active_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    totalRows: bigint("total_rows", { mode: "number" }).notNull().default(0),
    totalLogs: bigint("total_logs", { mode: "number" }).notNull().default(0),
    totalUploadedFiles: integer("total_uploaded_files").notNull().default(0),
    totalUploadedBytes: bigint("total_uploaded_bytes", { mode: "number" }).notNull().default(0),
    /** Sources (`Artifact` or `Artifact/Source`) that returned rows. */
    artifactsWithResults: jsonb("artifacts_with_results").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
  },
  (t) => [index("flows_client_idx").on(t.clientId, t.createdAt), index("flows_state_idx").on(t.state)],
);

export const flowSources = pgTable(
  "flow_sources",
  {
    flowId: text("flow_id")
      .notNull()
      .references(() => flows.flowId, { onDelete: "cascade" }),
    artifact: text("artifact").notNull(),
    /** Column names in the order the agent produced them. */
    columns: jsonb("columns").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    totalRows: bigint("total_rows", { mode: "number" }).notNull().default(0),
    /** running, finished, skipped, error, timeout, cancelled. */
    state: text("state").notNull().default("running"),
    error: text("error").notNull().default(""),
    truncated: boolean("truncated").notNull().default(false),
    durationMs: bigint("duration_ms", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.artifact] })],
);

export const flowResults = pgTable(
  "flow_results",
  {
    flowId: text("flow_id").notNull(),
    artifact: text("artifact").notNull(),
    /** 0-based position of the row within its source. */
    ordinal: bigint("ordinal", { mode: "number" }).notNull(),
    row: jsonb("row").notNull(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.artifact, t.ordinal] })],
);

export const flowLogs = pgTable(
  "flow_logs",
  {
    flowId: text("flow_id").notNull(),
    ordinal: bigint("ordinal", { mode: "number" }).notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    level: text("level").notNull(),
    message: text("message").notNull(),
    artifact: text("artifact").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.ordinal] })],
);

export const flowUploads = pgTable(
  "flow_uploads",
  {
    flowId: text("flow_id").notNull(),
    uploadId: text("upload_id").notNull(),
    name: text("name").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    /**
     * Where the bytes are: "" when they are in flow_upload_parts (every process can read them);
     * a path under a data dir for uploads stored before the database held them.
     */
    storedPath: text("stored_path").notNull(),
    artifact: text("artifact").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.uploadId] })],
);

/** Uploaded bytes, in the pieces the agent sent them (offset order), readable by every process. */
export const flowUploadParts = pgTable(
  "flow_upload_parts",
  {
    flowId: text("flow_id").notNull(),
    uploadId: text("upload_id").notNull(),
    offset: bigint("offset", { mode: "number" }).notNull(),
    data: bytea("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.uploadId, t.offset] })],
);

export type FlowRecord = typeof flows.$inferSelect;
export type FlowSourceRecord = typeof flowSources.$inferSelect;
export type FlowLogRecord = typeof flowLogs.$inferSelect;
export type FlowUploadRecord = typeof flowUploads.$inferSelect;
export type FlowUploadPartRecord = typeof flowUploadParts.$inferSelect;
