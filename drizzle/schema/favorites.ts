// Favorites: per-user saved collection specs (Velociraptor's favorites_save(), the Collect
// dialog's "Save as favorite"), one row per user, type (CLIENT, SERVER, CLIENT_EVENT,
// SERVER_EVENT) and name. `spec` is the list of artifact specs as Velociraptor writes them.
import { sql } from "drizzle-orm";
import { jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

export const favorites = pgTable(
  "favorites",
  {
    username: text("username").notNull(),
    type: text("type").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    spec: jsonb("spec").notNull().default(sql`'[]'::jsonb`),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.username, t.type, t.name] })],
);

export type FavoriteRecord = typeof favorites.$inferSelect;
