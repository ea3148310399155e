// Managed secrets: named, typed values (webhook URLs, API tokens) builtins use on a principal's
// behalf. `data` is never listed, logged or audited; only drizzle/queries/secrets.ts reads it,
// for the secrets service's resolve().
import { sql } from "drizzle-orm";
import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const secrets = pgTable("secrets", {
  name: text("name").primaryKey(),
  type: text("type").notNull(),
  data: jsonb("data").notNull().default(sql`'{}'::jsonb`),
  /** Users (besides administrators) who may use the secret. */
  users: text("users").array().notNull().default(sql`'{}'::text[]`),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type SecretRecord = typeof secrets.$inferSelect;
