// Notebook super-timelines (Velociraptor's timeline_add(), timeline(), timelines(),
// timeline_delete()): a super-timeline belongs to a notebook and has named components, each a
// time-sorted set of rows. A component's rows are written under a fresh `generation` and the
// component points at the generation that finished last, so a re-add replaces the rows at once
// and a cancelled add leaves the old ones. Times are Unix nanoseconds (Velociraptor's int64).
import { bigint, foreignKey, index, integer, json, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { notebooks } from "./notebooks";

export const notebookSupertimelines = pgTable(
  "notebook_supertimelines",
  {
    notebookId: text("notebook_id")
      .notNull()
      .references(() => notebooks.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.notebookId, t.name] })],
);

export const notebookTimelines = pgTable(
  "notebook_timelines",
  {
    notebookId: text("notebook_id").notNull(),
    supertimeline: text("supertimeline").notNull(),
    /** The component's name (Velociraptor's Timeline.id, the `_Source` of its rows). */
    id: text("id").notNull(),
    /** Order of first addition: equal times read the earlier component's row first. */
    position: integer("position").notNull(),
    generation: text("generation").notNull(),
    timestampColumn: text("timestamp_column").notNull().default(""),
    messageColumn: text("message_column").notNull().default(""),
    timestampDescriptionColumn: text("timestamp_description_column").notNull().default(""),
    startTime: bigint("start_time", { mode: "bigint" }).notNull().default(0n),
    endTime: bigint("end_time", { mode: "bigint" }).notNull().default(0n),
    rowCount: bigint("row_count", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.notebookId, t.supertimeline, t.id] }),
    foreignKey({ columns: [t.notebookId, t.supertimeline], foreignColumns: [notebookSupertimelines.notebookId, notebookSupertimelines.name], name: "notebook_timelines_supertimeline_fk" }).onDelete("cascade"),
  ],
);

export const notebookTimelineRows = pgTable(
  "notebook_timeline_rows",
  {
    generation: text("generation").notNull(),
    notebookId: text("notebook_id")
      .notNull()
      .references(() => notebooks.id, { onDelete: "cascade" }),
    ord: integer("ord").notNull(),
    ts: bigint("ts", { mode: "bigint" }).notNull(),
    /** The row as JSON text, keys in column order (json, not jsonb, keeps the order). */
    data: json("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.generation, t.ord] }), index("notebook_timeline_rows_generation_ts_idx").on(t.generation, t.ts, t.ord)],
);

export type NotebookTimelineRecord = typeof notebookTimelines.$inferSelect;
