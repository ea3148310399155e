// Server-side files (Velociraptor's file store for what the server writes: the export zips of
// create_flow_download() and create_hunt_download()), kept in the database so every process
// sharing it can serve, materialise or delete a file another process wrote. One row per file
// (`complete` once the writer finished; `error` when it failed) and its bytes in parts (seq order).
import { bigint, boolean, customType, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

export const fileStoreFiles = pgTable("file_store_files", {
  /** A file-store path: `/downloads/<ClientId>/<FlowId>/<name>.zip`, `/downloads/hunts/<HuntId>/<name>.zip`. */
  path: text("path").primaryKey(),
  size: bigint("size", { mode: "number" }).notNull().default(0),
  complete: boolean("complete").notNull().default(false),
  error: text("error"),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  completedAt: timestamp("completed_at", { withTimezone: true }),
});

export const fileStoreParts = pgTable(
  "file_store_parts",
  {
    path: text("path").notNull(),
    seq: integer("seq").notNull(),
    data: bytea("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.path, t.seq] })],
);

export type FileStoreFileRecord = typeof fileStoreFiles.$inferSelect;
