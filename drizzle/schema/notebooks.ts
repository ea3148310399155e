// Notebooks: the notebook record (sharing, parameters, cell order), its cells, each cell's
// versions (input, run status, output layout, logs), the result tables of a version and their
// rows (json text with an ordinal), and the collaborative editing state (a Yjs update).
import { sql } from "drizzle-orm";
import { bigint, boolean, customType, index, integer, json, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

export const notebooks = pgTable(
  "notebooks",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    creator: text("creator").notNull(),
    collaborators: jsonb("collaborators").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    isPublic: boolean("is_public").notNull().default(false),
    /** [{ key, value }] injected into every cell's scope. */
    env: jsonb("env").$type<{ key: string; value: string }[]>().notNull().default(sql`'[]'::jsonb`),
    /** Typed parameters (template inputs), each with its current value. */
    parameters: jsonb("parameters").$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    /** { timeoutSeconds?, maxRows? } overriding the server defaults for this notebook. */
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    /** Cell ids in document order. */
    cellOrder: jsonb("cell_order").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    modifiedAt: timestamp("modified_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("notebooks_modified_idx").on(t.modifiedAt), index("notebooks_creator_idx").on(t.creator)],
);

export const notebookCells = pgTable(
  "notebook_cells",
  {
    id: text("id").primaryKey(),
    notebookId: text("notebook_id")
      .notNull()
      .references(() => notebooks.id, { onDelete: "cascade" }),
    /** Sequence number of the version shown (undo/redo move it). */
    currentVersion: integer("current_version").notNull().default(1),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    modifiedAt: timestamp("modified_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("notebook_cells_notebook_idx").on(t.notebookId)],
);

export const notebookCellVersions = pgTable(
  "notebook_cell_versions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    cellId: text("cell_id")
      .notNull()
      .references(() => notebookCells.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    input: text("input").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** edited | queued | running | done | error | cancelled | timeout | interrupted */
    status: text("status").notNull().default("edited"),
    runBy: text("run_by"),
    /** The process (cluster node id) that runs or ran it: cancel goes there; only it, or a
     *  process that finds it dead, marks the run interrupted. */
    runOwner: text("run_owner"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    durationMs: integer("duration_ms"),
    /** Output layout: markdown blocks (from comments) and table references, in order. */
    output: jsonb("output").$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    /** The first log lines of the run (the rest are counted in logCount). */
    logs: jsonb("logs").$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    logCount: integer("log_count").notNull().default(0),
    error: text("error"),
  },
  (t) => [uniqueIndex("notebook_cell_versions_cell_seq_idx").on(t.cellId, t.seq), index("notebook_cell_versions_status_idx").on(t.status)],
);

export const notebookTables = pgTable(
  "notebook_tables",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    versionId: bigint("version_id", { mode: "number" })
      .notNull()
      .references(() => notebookCellVersions.id, { onDelete: "cascade" }),
    /** 0-based index of the SELECT within the cell. */
    idx: integer("idx").notNull(),
    /** Column names in first-seen order. */
    columns: jsonb("columns").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    rowCount: integer("row_count").notNull().default(0),
    truncated: boolean("truncated").notNull().default(false),
    complete: boolean("complete").notNull().default(false),
  },
  (t) => [uniqueIndex("notebook_tables_version_idx").on(t.versionId, t.idx)],
);

/**
 * Result rows. `data` is json (not jsonb) so each row keeps its key order and inserts skip the
 * jsonb conversion; sorting casts to jsonb. No foreign key: the rows of a table are deleted with
 * it explicitly (a cascade check per row would slow bulk inserts).
 */
export const notebookRows = pgTable(
  "notebook_rows",
  {
    tableId: bigint("table_id", { mode: "number" }).notNull(),
    ord: integer("ord").notNull(),
    data: json("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tableId, t.ord] })],
);

/** The Yjs document of a notebook's cell texts, as one merged update. */
export const notebookCollab = pgTable("notebook_collab", {
  notebookId: text("notebook_id")
    .primaryKey()
    .references(() => notebooks.id, { onDelete: "cascade" }),
  state: bytea("state").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type NotebookRecord = typeof notebooks.$inferSelect;
export type NotebookCellRecord = typeof notebookCells.$inferSelect;
export type NotebookCellVersionRecord = typeof notebookCellVersions.$inferSelect;
export type NotebookTableRecord = typeof notebookTables.$inferSelect;
