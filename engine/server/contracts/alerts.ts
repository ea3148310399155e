// The alerts contract: what `alert()` raises (rows of the `Server.Internal.Alerts` queue) and
// the inbox built from them. Alerts are grouped by name + client + artifact: one inbox entry
// (an AlertId) with a count, first and last seen, a severity, a triage status, an assignee and
// comments; each raise is an occurrence of its entry. The inbox is a durable journal consumer
// of `Server.Internal.Alerts`, so every raise is counted exactly once on any process.
import type { Principal } from "./common";

/** The queue every alert is appended to (stored: alerts are rare and worth keeping). */
export const ALERTS_QUEUE = "Server.Internal.Alerts";

/** An inbox entry: `A.` + base32 digits. */
export type AlertId = string & { readonly __brand: "AlertId" };

export const ALERT_STATUSES = ["new", "acknowledged", "resolved", "false_positive"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const ALERT_SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/**
 * One row of `Server.Internal.Alerts`, as Velociraptor writes it (`client_id`, `name`,
 * `timestamp`, `event_data`, `artifact`, `artifact_type`, `flow_id`) plus what Talon adds:
 * `severity`, `raised_by` (the user whose query raised it, or `agent`), and where a server
 * query raised it (`notebook_id`, `cell_id`).
 */
export interface AlertRow {
  client_id: string;
  name: string;
  /** RFC 3339 time the alert was raised (on the endpoint for client alerts). */
  timestamp: string;
  event_data: Record<string, unknown>;
  artifact: string;
  /** CLIENT_EVENT, SERVER_EVENT, CLIENT (a collection), SERVER, NOTEBOOK or QUERY. */
  artifact_type: string;
  flow_id: string;
  severity: AlertSeverity;
  raised_by: string;
  notebook_id?: string;
  cell_id?: string;
  /** When the server stored it (Unix seconds), as every event row of Velociraptor's queues. */
  _ts: number;
}

/** Where a server-side query runs, so an alert it raises says where it came from. */
export interface QueryOrigin {
  /** The artifact (or `Artifact/Source`) the query belongs to. */
  artifact?: string;
  artifactType?: string;
  flowId?: string;
  /** The client the query is about (`server` when absent). */
  clientId?: string;
  notebookId?: string;
  cellId?: string;
}

export interface AlertSummary {
  id: AlertId;
  name: string;
  clientId: string;
  /** The client's hostname when known (empty for `server`). */
  hostname: string;
  artifact: string;
  artifactType: string;
  /** The highest severity of its occurrences. */
  severity: AlertSeverity;
  status: AlertStatus;
  assignee: string | null;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
  /** event_data of the latest occurrence. */
  lastEventData: Record<string, unknown>;
  lastFlowId: string;
  raisedBy: string;
  notebookId: string;
  cellId: string;
  updatedAt: Date;
}

export interface AlertOccurrence {
  /** The journal event id of the raise. */
  eventId: number;
  at: Date;
  severity: AlertSeverity;
  eventData: Record<string, unknown>;
  flowId: string;
  raisedBy: string;
}

/** A triage step: a status or assignee change, or a comment. */
export interface AlertActivity {
  id: number;
  at: Date;
  actor: string;
  kind: "status" | "assignee" | "comment" | "reopened";
  from: string | null;
  to: string | null;
  text: string;
}

export interface AlertDetail extends AlertSummary {
  /** Newest first, at most 200. */
  occurrences: AlertOccurrence[];
  /** Oldest first. */
  activity: AlertActivity[];
}

export interface AlertFilter {
  status?: AlertStatus[];
  severity?: AlertSeverity[];
  clientId?: string;
  /** Clients that carry this label. */
  label?: string;
  artifact?: string;
  /** Alerts last seen at or after. */
  since?: Date;
  until?: Date;
  /** Case-insensitive text in the name, artifact, client, hostname or latest event data. */
  search?: string;
  assignee?: string;
  limit: number;
  offset?: number;
}

export interface AlertChange {
  status?: AlertStatus;
  /** A username, or null to unassign. */
  assignee?: string | null;
  comment?: string;
}

/** The rows around an alert: its source artifact's events from its client in a time window. */
export interface AlertContext {
  artifact: string;
  clientId: string;
  start: Date;
  end: Date;
  rows: Array<Record<string, unknown>>;
  /** VQL that reads the same window (what "Open in notebook" puts in a cell). */
  query: string;
}

export interface AlertsService {
  /** Needs READ_RESULTS. Newest last-seen first. */
  list(actor: Principal, filter: AlertFilter): Promise<{ alerts: AlertSummary[]; total: number }>;
  /** Needs READ_RESULTS. */
  get(actor: Principal, id: AlertId): Promise<AlertDetail>;
  /** Needs ALERT_TRIAGE; audited; publishes the change. */
  update(actor: Principal, id: AlertId, change: AlertChange): Promise<AlertSummary>;
  /** Needs READ_RESULTS: how many entries are new (the navigation's badge) and open (new or acknowledged). */
  counts(actor: Principal): Promise<{ new: number; open: number }>;
  /** Needs READ_RESULTS: the source artifact's rows from the alert's client, `windowSeconds` (default 300) either side of its last occurrence. */
  context(actor: Principal, id: AlertId, p?: { windowSeconds?: number; limit?: number }): Promise<AlertContext>;
  /** Markdown and VQL cells for a notebook that investigates the alert ("Open in notebook"). */
  notebookCells(actor: Principal, id: AlertId, p?: { windowSeconds?: number }): Promise<{ title: string; cells: Array<{ type: "markdown" | "vql"; text: string }> }>;
}

/** The live topic on /api/ws/ui: `{type: "changed", id}` or `{type: "raised", id, count}` (READ_RESULTS). */
export const ALERTS_TOPIC = "alerts";
