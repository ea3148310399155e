// Tables that let several Talon processes share one database: the processes themselves (each
// holds an advisory lock on its slot while it lives), which process holds each agent's socket,
// large cross-process messages that do not fit a NOTIFY payload, durable journal consumers'
// cursors, and failed sign-ins (throttling counted for every process at once).
import { sql } from "drizzle-orm";
import { bigint, customType, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** PostgreSQL's 64-bit transaction id type; carried as decimal text. */
const xid8 = customType<{ data: string; driverData: string }>({
  dataType: () => "xid8",
});

export const clusterNodes = pgTable("cluster_nodes", {
  /** `P.` + random; new for every process start. */
  nodeId: text("node_id").primaryKey(),
  /** 0..1023, unique among live processes (its advisory lock proves the process is alive). */
  slot: integer("slot").notNull(),
  /** The backend pid of the process's lease connection (matches pg_locks.pid). */
  backendPid: integer("backend_pid").notNull(),
  /** Where browsers and agents reach it, when known. */
  url: text("url").notNull().default(""),
  hostname: text("hostname").notNull().default(""),
  pid: integer("pid").notNull().default(0),
  version: text("version").notNull().default(""),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
});

export const agentPresence = pgTable(
  "agent_presence",
  {
    clientId: text("client_id").primaryKey(),
    nodeId: text("node_id").notNull(),
    connectedAt: timestamp("connected_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("agent_presence_node_idx").on(t.nodeId)],
);

export const clusterRelay = pgTable("cluster_relay", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  payload: jsonb("payload").$type<unknown>().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const journalConsumers = pgTable("journal_consumers", {
  /** The consumer's name (one cursor per name and queue). */
  name: text("name").primaryKey(),
  queue: text("queue").notNull(),
  /** Position of the last event handled: (tx, id), see drizzle/queries/journal.ts. */
  tx: xid8("tx").notNull().default(sql`'0'::xid8`),
  eventId: bigint("event_id", { mode: "number" }).notNull().default(0),
  handled: bigint("handled", { mode: "number" }).notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const loginFailures = pgTable(
  "login_failures",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    key: text("key").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("login_failures_key_at_idx").on(t.key, t.at)],
);

export type ClusterNodeRecord = typeof clusterNodes.$inferSelect;
export type JournalConsumerRecord = typeof journalConsumers.$inferSelect;
