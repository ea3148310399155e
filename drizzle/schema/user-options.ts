// Per-user GUI options (Velociraptor's user_options(): theme, timezone, lang, org, links), one
// row per user, the options as one JSON object.
import { sql } from "drizzle-orm";
import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const userOptions = pgTable("user_options", {
  username: text("username").primaryKey(),
  options: jsonb("options").notNull().default(sql`'{}'::jsonb`),
  updatedBy: text("updated_by").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
