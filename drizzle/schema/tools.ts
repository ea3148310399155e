// The server's tool inventory (Velociraptor's third-party tools): one row per tool name and
// version, learnt from artifacts' `tools:` sections or set by an admin (inventory_add). A tool
// served locally keeps its bytes here (`data`) and is fetched by agents from
// /api/tools/download/<token>; otherwise agents are handed its upstream `url`.
import { bigint, boolean, customType, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

export const tools = pgTable(
  "tools",
  {
    name: text("name").notNull(),
    /** "" when the definition names no version. */
    version: text("version").notNull().default(""),
    url: text("url").notNull().default(""),
    githubProject: text("github_project").notNull().default(""),
    githubAssetRegex: text("github_asset_regex").notNull().default(""),
    serveLocally: boolean("serve_locally").notNull().default(false),
    /** Set by inventory_add(): artifact definitions no longer replace it. */
    adminOverride: boolean("admin_override").notNull().default(false),
    /** The sha256 the artifact pins (hex, lower case); "" when none. */
    expectedHash: text("expected_hash").notNull().default(""),
    /** The sha256 of the bytes agents get (hex): computed from `data`, or given. */
    hash: text("hash").notNull().default(""),
    /** The file name on the endpoint. */
    filename: text("filename").notNull().default(""),
    /** The artifact the definition came from ("" when an admin added it). */
    artifact: text("artifact").notNull().default(""),
    /** The unguessable part of the download URL. */
    token: text("token").notNull().unique(),
    data: bytea("data"),
    size: bigint("size", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text("updated_by").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

export type ToolRecord = typeof tools.$inferSelect;
export type NewToolRecord = typeof tools.$inferInsert;
