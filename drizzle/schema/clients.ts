// Endpoints (clients), their labels and the deployment token agents enrol with.
// A client row is created at first contact (enrolment) and filled by interrogation. The
// server's own hosts (the local agents of `talon serve`) are listed in server_host_clients.
import { sql } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** active: hellos with publicKey are welcome; revoked: every hello is refused; rekey: the next hello with the deployment token and a new key re-enrols. */
export const CLIENT_KEY_STATES = ["active", "revoked", "rekey"] as const;
export type ClientKeyState = (typeof CLIENT_KEY_STATES)[number];

export const clients = pgTable(
  "clients",
  {
    /** `C.` + 16 hex digits derived from the agent's public key. */
    clientId: text("client_id").primaryKey(),
    /** The agent's Ed25519 public key (SPKI DER, base64); after a re-key it no longer derives the id. */
    publicKey: text("public_key").notNull(),
    /** See CLIENT_KEY_STATES. */
    keyState: text("key_state").$type<ClientKeyState>().notNull().default("active"),
    keyChangedAt: timestamp("key_changed_at", { withTimezone: true }),
    hostname: text("hostname").notNull().default(""),
    fqdn: text("fqdn").notNull().default(""),
    /** OS family as Velociraptor names it: linux, windows, darwin. */
    os: text("os").notNull().default(""),
    /** Distribution or product (ubuntu, Microsoft Windows Server 2022 Standard, ...). */
    platform: text("platform").notNull().default(""),
    release: text("release").notNull().default(""),
    architecture: text("architecture").notNull().default(""),
    ipAddresses: jsonb("ip_addresses").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    macAddresses: jsonb("mac_addresses").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    agentName: text("agent_name").notNull().default(""),
    agentVersion: text("agent_version").notNull().default(""),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    lastIp: text("last_ip").notNull().default(""),
    /** Free key/value store (client_metadata()); string values. */
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    /** The interrogation's raw row (Generic.Client.Info), for client_info(). */
    info: jsonb("info").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    lastInterrogateFlowId: text("last_interrogate_flow_id").notNull().default(""),
    lastInterrogatedAt: timestamp("last_interrogated_at", { withTimezone: true }),
    labelsUpdatedAt: timestamp("labels_updated_at", { withTimezone: true }),
    /** Highest agent message seq stored (exactly-once delivery of flow data). */
  },
  (t) => [
    index("clients_hostname_idx").on(sql`lower(${t.hostname}) text_pattern_ops`),
    index("clients_last_seen_idx").on(t.lastSeenAt),
  ],
);

export const clientLabels = pgTable(
  "client_labels",
  {
    clientId: text("client_id")
      .notNull()
      .references(() => clients.clientId, { onDelete: "cascade" }),
    /** As the user typed it (trimmed). */
    label: text("label").notNull(),
    /** Lower-cased: labels match case-insensitively. */
    labelLower: text("label_lower").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.labelLower] }), index("client_labels_label_idx").on(t.labelLower)],
);

export const deploymentTokens = pgTable("deployment_tokens", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  token: text("token").notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

/**
 * Clients that are a server's own host: each `talon serve` process records the client id of
 * the local agent it runs. Collecting from them needs COLLECT_SERVER. No foreign key: the id
 * is recorded when the agent starts, possibly before it first enrols.
 */
export const serverHostClients = pgTable("server_host_clients", {
  clientId: text("client_id").primaryKey(),
  /** The process (cluster node id) that runs it, for the operator. */
  nodeId: text("node_id").notNull().default(""),
  recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
});

export type ClientRecord = typeof clients.$inferSelect;
export type ClientLabelRecord = typeof clientLabels.$inferSelect;

/**
 * Each client's acknowledged seq (the highest agent message stored), apart from the wide client
 * row: the ingest writer locks and advances it for every batch, and a narrow row keeps that
 * cheap (updating the client row would rewrite it and its indexes every second per agent).
 */
export const clientSeqs = pgTable("client_seqs", {
  clientId: text("client_id").primaryKey(),
  ackedSeq: bigint("acked_seq", { mode: "number" }).notNull().default(0),
});
