// Limits per role and the run slots they are counted against. `role_limits` holds what an
// administrator set for a role (a role without a row has the built-in defaults); `run_slots`
// holds one row per ad-hoc VQL run in progress (notebook cell, query API) on any process, so a
// user's concurrency limit holds across every process sharing the database.
import { index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const roleLimits = pgTable("role_limits", {
  role: text("role").primaryKey(),
  /** Longest timeout a run of this role may have, in seconds. */
  maxTimeoutSeconds: integer("max_timeout_seconds").notNull(),
  /** Most rows per result table (per SELECT) a run of this role may store or stream. */
  maxRows: integer("max_rows").notNull(),
  /** Ad-hoc runs one user of this role may have at once, over every process. */
  maxConcurrent: integer("max_concurrent").notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const runSlots = pgTable(
  "run_slots",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(),
    /** The process running it (cluster_nodes.node_id); slots of processes that are gone do not count. */
    nodeId: text("node_id").notNull(),
    /** "notebook" or "query". */
    kind: text("kind").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("run_slots_username_idx").on(t.username)],
);

export type RoleLimitsRecord = typeof roleLimits.$inferSelect;
