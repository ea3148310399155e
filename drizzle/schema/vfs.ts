// The file browser's cache (VFS): per client, the directories listed (when, by which
// System.VFS.ListDirectory flow, how many entries) and their entries; and the latest download
// of a file (System.VFS.DownloadFile flow, its size and SHA-256). Filled only by the vfs
// service's journal consumer; entries are written in batches by drizzle/queries/vfs.ts.
import { bigint, boolean, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { clients } from "./clients";

export const vfsDirectories = pgTable(
  "vfs_directories",
  {
    clientId: text("client_id")
      .notNull()
      .references(() => clients.clientId, { onDelete: "cascade" }),
    /** The directory's path on the endpoint (no trailing separator, `/` for the root). */
    path: text("path").notNull(),
    listedAt: timestamp("listed_at", { withTimezone: true }).notNull(),
    flowId: text("flow_id").notNull(),
    totalEntries: bigint("total_entries", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.path] })],
);

export const vfsEntries = pgTable(
  "vfs_entries",
  {
    clientId: text("client_id")
      .notNull()
      .references(() => clients.clientId, { onDelete: "cascade" }),
    /** The directory holding it (vfs_directories.path). */
    dirPath: text("dir_path").notNull(),
    name: text("name").notNull(),
    osPath: text("os_path").notNull(),
    isDir: boolean("is_dir").notNull(),
    isLink: boolean("is_link").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    mode: text("mode").notNull(),
    mtime: timestamp("mtime", { withTimezone: true }),
    atime: timestamp("atime", { withTimezone: true }),
    ctime: timestamp("ctime", { withTimezone: true }),
    btime: timestamp("btime", { withTimezone: true }),
    /** The listing flow that wrote it (entries of older listings are removed after a new one). */
    flowId: text("flow_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.dirPath, t.name] })],
);

export const vfsDownloads = pgTable(
  "vfs_downloads",
  {
    clientId: text("client_id")
      .notNull()
      .references(() => clients.clientId, { onDelete: "cascade" }),
    path: text("path").notNull(),
    flowId: text("flow_id").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    downloadedAt: timestamp("downloaded_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.path] })],
);

export type VfsDirectoryRecord = typeof vfsDirectories.$inferSelect;
export type VfsEntryRecord = typeof vfsEntries.$inferSelect;
export type VfsDownloadRecord = typeof vfsDownloads.$inferSelect;
