// Custom artifacts (built-ins live on disk) and the history of every change to them.
import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const customArtifacts = pgTable("custom_artifacts", {
  name: text("name").primaryKey(),
  type: text("type").notNull(),
  description: text("description").notNull().default(""),
  /** The YAML exactly as saved. */
  yaml: text("yaml").notNull(),
  /** Increments on every save; history rows carry the version they produced. */
  version: integer("version").notNull().default(1),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const artifactHistory = pgTable(
  "artifact_history",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    /** "set" (create or edit), "delete", "rename" (details.from / details.to). */
    operation: text("operation").notNull(),
    version: integer("version").notNull(),
    /** The YAML after the change (null for a delete). */
    yaml: text("yaml"),
    principal: text("principal").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [index("artifact_history_name_idx").on(t.name, t.id)],
);

export type CustomArtifactRecord = typeof customArtifacts.$inferSelect;
export type ArtifactHistoryRecord = typeof artifactHistory.$inferSelect;
