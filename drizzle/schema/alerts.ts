// The alert inbox's tables: one row per inbox entry (alerts grouped by name + client +
// artifact, with their triage state), every raise of an entry (an occurrence, keyed by the
// journal event it came from so a raise is counted once), and the triage activity (status and
// assignee changes, comments). Raises themselves are `Server.Internal.Alerts` journal events.
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const alerts = pgTable(
  "alerts",
  {
    /** `A.` + base32 digits. */
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** `C.…`, or `server` for alerts of server queries. */
    clientId: text("client_id").notNull(),
    artifact: text("artifact").notNull(),
    artifactType: text("artifact_type").notNull(),
    /** The highest severity of its occurrences (info, low, medium, high, critical). */
    severity: text("severity").notNull(),
    /** 0..4: severity as a number, for sorting and "at least" filters. */
    severityRank: integer("severity_rank").notNull(),
    /** new, acknowledged, resolved, false_positive. */
    status: text("status").notNull().default("new"),
    assignee: text("assignee"),
    count: bigint("count", { mode: "number" }).notNull().default(0),
    firstSeen: timestamp("first_seen", { withTimezone: true }).notNull(),
    lastSeen: timestamp("last_seen", { withTimezone: true }).notNull(),
    lastEventData: jsonb("last_event_data").$type<Record<string, unknown>>().notNull(),
    lastFlowId: text("last_flow_id").notNull().default(""),
    raisedBy: text("raised_by").notNull().default(""),
    notebookId: text("notebook_id").notNull().default(""),
    cellId: text("cell_id").notNull().default(""),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("alerts_group_idx").on(t.name, t.clientId, t.artifact),
    index("alerts_last_seen_idx").on(t.lastSeen),
    index("alerts_status_idx").on(t.status, t.lastSeen),
  ],
);

export const alertOccurrences = pgTable(
  "alert_occurrences",
  {
    /** The `Server.Internal.Alerts` journal event: a raise is counted once. */
    eventId: bigint("event_id", { mode: "number" }).notNull(),
    alertId: text("alert_id").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    severity: text("severity").notNull(),
    eventData: jsonb("event_data").$type<Record<string, unknown>>().notNull(),
    flowId: text("flow_id").notNull().default(""),
    raisedBy: text("raised_by").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.eventId] }), index("alert_occurrences_alert_idx").on(t.alertId, t.at)],
);

export const alertActivity = pgTable(
  "alert_activity",
  {
    id: bigint("id", { mode: "number" }).generatedAlwaysAsIdentity(),
    alertId: text("alert_id").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actor: text("actor").notNull(),
    /** status, assignee, comment, reopened. */
    kind: text("kind").notNull(),
    fromValue: text("from_value"),
    toValue: text("to_value"),
    text: text("text").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.id] }), index("alert_activity_alert_idx").on(t.alertId, t.id)],
);

export type AlertRecord = typeof alerts.$inferSelect;
export type AlertOccurrenceRecord = typeof alertOccurrences.$inferSelect;
export type AlertActivityRecord = typeof alertActivity.$inferSelect;
