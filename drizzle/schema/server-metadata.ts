// Server metadata: free key/value strings for server artifacts (webhook tokens, API keys,
// default buckets), read by server_metadata(). Velociraptor keeps them as the metadata of the
// pseudo-client `server`; here they have their own table so `server` never shows up as a client.
import { bigint, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const serverMetadata = pgTable("server_metadata", {
  key: text("key").primaryKey(),
  /** Often a secret: never logged, audited or published (only the keys are). */
  value: text("value").notNull(),
  /** Insertion order: a key set again keeps its place, as in Velociraptor's ordered dict. */
  position: bigint("position", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text("updated_by").notNull().default(""),
});
