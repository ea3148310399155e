// The monitoring service's contract: the server event table (SERVER_EVENT artifacts the server
// runs continuously, one process at a time, each as the user who added it), the client event
// table (CLIENT_EVENT artifacts for every client plus label groups, pushed to agents), their
// state and logs, and send_event(). Event rows are journal events under the artifact's name;
// see docs/monitoring.md.
import type { DeletedItem, Principal } from "./common";

/** Appended (stored) whenever an event table changes: every process re-reads the table. */
export const EVENT_TABLE_QUEUE = "Server.Internal.EventTableChange";

export type EventTableKind = "server" | "client";

/** One artifact of an event table. */
export interface EventTableEntry {
  artifact: string;
  /** Parameter values as given (text, as artifacts declare them); defaults fill the rest. */
  parameters: Record<string, string>;
  /** Who added it: server event queries run as this user, with this user's permissions. */
  addedBy: string;
  addedAt: string;
}

export interface ServerEventTable {
  artifacts: EventTableEntry[];
}

export interface ClientEventTable {
  /** For every client. */
  artifacts: EventTableEntry[];
  /** For clients carrying the label (case-insensitive). */
  labelEvents: Array<{ label: string; artifacts: EventTableEntry[] }>;
}

export interface EventTableView<T> {
  table: T;
  /** Milliseconds since the epoch of the last change (0: never set). */
  version: number;
  updatedBy: string;
  updatedAt?: Date;
}

/** One running (or failed) query of the server event table. */
export interface ServerEventState {
  /** `Artifact` or `Artifact/Source`: the queue its rows go to. */
  name: string;
  artifact: string;
  state: "starting" | "running" | "failed" | "skipped" | "ended" | string;
  error: string;
  nodeId: string;
  startedAt?: Date;
  lastRowAt?: Date;
  rows: number;
  restarts: number;
  updatedAt: Date;
}

export interface EventLogLine {
  at: Date;
  clientId: string;
  artifact: string;
  level: string;
  message: string;
}

/** What a change to a table gives: the artifact and its parameters. */
export interface EventTableChange {
  artifact: string;
  parameters?: Record<string, unknown>;
}

export interface MonitoringService {
  /** READ_RESULTS. */
  serverTable(actor: Principal): Promise<EventTableView<ServerEventTable>>;
  /** COLLECT_SERVER; every artifact must be SERVER_EVENT and runnable by the actor; audited. */
  setServerTable(actor: Principal, artifacts: EventTableChange[]): Promise<EventTableView<ServerEventTable>>;
  /** Adds or replaces one artifact (its parameters). */
  addServerArtifact(actor: Principal, change: EventTableChange): Promise<EventTableView<ServerEventTable>>;
  removeServerArtifact(actor: Principal, artifact: string): Promise<EventTableView<ServerEventTable>>;
  /** READ_RESULTS: each server event query's state as its process last reported it. */
  serverStatus(actor: Principal): Promise<ServerEventState[]>;

  /** READ_RESULTS. */
  clientTable(actor: Principal): Promise<EventTableView<ClientEventTable>>;
  /** COLLECT_CLIENT; every artifact must be CLIENT_EVENT; audited; pushed to connected agents. */
  setClientTable(actor: Principal, table: { artifacts: EventTableChange[]; labelEvents: Array<{ label: string; artifacts: EventTableChange[] }> }): Promise<EventTableView<ClientEventTable>>;
  /** Adds or replaces one artifact for every client, or for the label group `label`. */
  addClientArtifact(actor: Principal, change: EventTableChange & { label?: string }): Promise<EventTableView<ClientEventTable>>;
  removeClientArtifact(actor: Principal, p: { artifact: string; label?: string }): Promise<EventTableView<ClientEventTable>>;
  /** READ_RESULTS: what one client runs (every-client artifacts and those of its labels). */
  clientArtifacts(actor: Principal, clientId: string): Promise<Array<EventTableEntry & { label?: string }>>;

  /** READ_RESULTS: log lines of an event query of a client (or `server`). */
  logs(actor: Principal, p: { artifact: string; clientId: string; start?: Date; end?: Date; limit: number; offset?: number }): Promise<EventLogLine[]>;
  /**
   * send_event(): publishes a row to a SERVER_EVENT or CLIENT_EVENT queue (never an INTERNAL
   * one). SERVER_ADMIN or PUBLISH; audited.
   */
  sendEvent(actor: Principal, p: { artifact: string; row: Record<string, unknown>; clientId?: string }): Promise<void>;
  /**
   * DELETE_RESULTS. What deleting an event artifact's stored rows of a client (or `server`) in
   * [start, end) removes, one item per queue and UTC day (Velociraptor's day files); start
   * defaults to the epoch, end to now. With `really` they are deleted, in one transaction with
   * the audit record (DeleteEvents). Queues the journal keeps in memory only have nothing stored.
   */
  deleteEvents(actor: Principal, p: { artifact: string; clientId: string; start?: Date; end?: Date; really: boolean }): Promise<DeletedItem[]>;
}

export interface BacktestRequest {
  /** The event artifact as YAML (saved or not). */
  yaml: string;
  parameters?: Record<string, unknown>;
  /** How far back the replayed history goes (1 to 720 hours). */
  hours: number;
  /** Rows kept at most (default 10,000). */
  maxRows?: number;
}

export interface BacktestResult {
  artifact: string;
  type: string;
  from: Date;
  to: Date;
  /** What the query produced, per source. */
  rows: Array<{ source: string; row: Record<string, unknown> }>;
  truncated: boolean;
  /** What it would have done (labels set, events sent, collections started...), not done. */
  effects: Array<{ builtin: string; args: Record<string, unknown> }>;
  /** The stored queues replayed and how many of their events. */
  replayed: Array<{ queue: string; events: number }>;
  logs: Array<{ source: string; level: string; message: string }>;
  durationMs: number;
}

/**
 * Backtests an event artifact before it is enabled: its queries run over the stored history of
 * the queues they watch (watch_monitoring() and `Artifact.X()` of stored event artifacts replay
 * the last N hours as if arriving now), with every builtin that changes something replaced by a
 * recorder. COLLECT_SERVER (SERVER_EVENT) or COLLECT_CLIENT (CLIENT_EVENT), like adding it.
 */
export interface BacktestService {
  backtest(actor: Principal, r: BacktestRequest): Promise<BacktestResult>;
}
