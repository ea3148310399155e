// The flows service's contract: collections from clients. A flow reaching a final state is a
// System.Flow.Completion event written in the same transaction; a new flow (or a cancel) for a
// client connected to another process reaches it through Server.Internal.ClientScheduled.
import type { Db } from "@/drizzle";
import type { DeletedItem, Principal } from "./common";
import type { DeclaredTool } from "./tools";

export const FLOW_COMPLETION_QUEUE = "System.Flow.Completion";
export const CLIENT_SCHEDULED_QUEUE = "Server.Internal.ClientScheduled";

export type FlowState = "WAITING" | "RUNNING" | "FINISHED" | "ERROR" | "CANCELLED" | "TIMEOUT";

/** A parameter an artifact declares. */
export interface ArtifactParameter {
  name: string;
  default?: string;
  type?: string;
  description?: string;
  /** For the parameter form: choices / multichoice lists, the label, the value's pattern. */
  choices?: string[];
  friendlyName?: string;
  validatingRegex?: string;
}

/** What the flows service needs of an artifact definition. */
export interface ArtifactDefinition {
  name: string;
  /** CLIENT, SERVER, CLIENT_EVENT, SERVER_EVENT, NOTEBOOK, INTERNAL. */
  type: string;
  description?: string;
  parameters: ArtifactParameter[];
  /** Artifact-level precondition; a source's own precondition replaces it. */
  precondition?: string;
  sources: Array<{ name?: string; precondition?: string; query: string }>;
  /** Permissions the collecting user needs besides COLLECT_CLIENT. */
  requiredPermissions?: string[];
  /** Velociraptor's implied_permissions: what its VQL does on the client (FILESYSTEM_READ...), of it and of the artifacts it calls; the collecting user needs them too. */
  impliedPermissions?: string[];
  /** The artifact's `resources` defaults (timeout in seconds), used when the request sets none. */
  resources?: { timeout?: number; maxRows?: number; maxUploadBytes?: number };
  /** The tools it and the artifacts it calls declare (`tools:`); the launcher gives the agent their Tool_<name>_* variables. */
  tools?: DeclaredTool[];
}

/** Where collections find artifact definitions: the artifact repository, or a test's own list. */
export interface ArtifactSource {
  get(name: string): Promise<ArtifactDefinition | undefined> | ArtifactDefinition | undefined;
  /** Definitions offered in the Collect dialog (CLIENT artifacts). */
  list(): Promise<ArtifactDefinition[]> | ArtifactDefinition[];
  /**
   * Typed parameter values for a run (defaults, type conversion, unknown names refused). When
   * absent, declared defaults are used and given values pass through as they are.
   */
  resolveParameters?(name: string, given: Record<string, unknown>): { ok: true; env: Record<string, unknown>; warnings?: string[] } | { ok: false; error: string };
  /** The artifacts these queries call as `Artifact.X()`, as YAML for the agent (absent: none are sent). */
  called?(queries: string[]): Array<{ name: string; yaml: string }>;
}

export interface FlowSourceSummary {
  artifact: string;
  state: string;
  totalRows: number;
  error: string;
  truncated: boolean;
  durationMs: number;
  columns: string[];
}

export interface FlowSummary {
  flowId: string;
  clientId: string;
  creator: string;
  state: FlowState;
  /** Error text when state is ERROR/TIMEOUT. */
  status: string;
  artifacts: string[];
  /** Parameter values per artifact. */
  parameters: Record<string, Record<string, unknown>>;
  timeoutMs: number;
  maxRows: number;
  createdAt: Date;
  startedAt: Date | null;
  activeAt: Date | null;
  finishedAt: Date | null;
  totalRows: number;
  totalLogs: number;
  totalUploadedFiles: number;
  totalUploadedBytes: number;
  artifactsWithResults: string[];
  sources: FlowSourceSummary[];
}

export interface CollectRequest {
  clientId: string;
  artifacts: string[];
  /** Parameter values: `{ "Artifact.Name": { Param: "value" } }`, or one flat object for every artifact. */
  parameters?: Record<string, unknown>;
  /** Per-source time limit in seconds (default 600). */
  timeoutSec?: number;
  /** Per-source row limit (default 1,000,000). */
  maxRows?: number;
  maxUploadBytes?: number;
  /** Recorded as the flow's creator; defaults to the actor's name. */
  creator?: string;
  /** Velociraptor's urgent flag: the agent runs it ahead of the collections it has queued. */
  urgent?: boolean;
}

/**
 * A collection compiled once for many later flows (a hunt's): what was asked, the sources with
 * their parameter values, the limits, and the permissions of whoever compiled it. Stored as is.
 */
export interface CompiledCollection {
  artifacts: string[];
  parameters: Record<string, Record<string, unknown>>;
  /** Permissions of the principal who compiled it (the flows run with them). */
  permissions: string[];
  [key: string]: unknown;
}

/**
 * How a page of one source's rows is ordered and narrowed, in the database: `sort.column` and
 * `filter.column` must be columns of the source (bad_request otherwise); the filter text is a
 * case-insensitive substring of that column's value, or of any value of the row.
 */
export interface FlowResultsView {
  sort?: { column: string; desc: boolean };
  filter?: { text: string; column?: string };
}

/** Collections: create, dispatch, store results, cancel, read back. */
export interface FlowsService {
  /**
   * COLLECT_CLIENT (+ the artifacts' required and implied permissions). Compiles a collection
   * without starting it (hunts compile once at creation: later artifact edits do not change it).
   */
  compile(actor: Principal, request: Omit<CollectRequest, "clientId">): Promise<CompiledCollection>;
  /**
   * COLLECT_CLIENT and ANY_QUERY (it is ad-hoc VQL for the client). Compiles one query as a
   * collection of one source named `name` (a hunt's client condition), without starting it.
   */
  compileQuery(actor: Principal, p: { name: string; query: string; timeoutSec?: number; maxRows?: number; creator?: string }): Promise<CompiledCollection>;
  /**
   * For the hunt manager only: stores WAITING flows of a compiled collection with the flow ids
   * given (hunt flows end in `.H`) and sends them to their agents. Ids already stored are skipped,
   * so a retry after a crash never starts a flow twice. No permission check here: the caller
   * checked when it compiled.
   */
  collectCompiled(request: CompiledCollection, flows: Array<{ clientId: string; flowId: string }>): Promise<void>;
  /** COLLECT_CLIENT (+ the artifacts' required permissions). Sent at once when the client is online. */
  collect(actor: Principal, request: CollectRequest): Promise<FlowSummary>;
  /**
   * COLLECT_CLIENT. The same collection on many clients (given by id, or by a search), stored in
   * one write; unknown client ids are skipped. Returns the flows created.
   */
  collectMany(actor: Principal, request: Omit<CollectRequest, "clientId"> & { clientIds?: string[]; search?: string }): Promise<Array<{ clientId: string; flowId: string }>>;
  /**
   * COLLECT_SERVER. Stores an offline-collection container (Velociraptor's layout: collect()'s
   * output) as a finished flow of the client named, or for `auto` of the client with the
   * hostname (created when there is none). Returns the container's collection context with
   * the client and flow ids used, as Velociraptor's import_collection() does.
   */
  importCollection(actor: Principal, p: { clientId?: string; hostname?: string; zip: Uint8Array }): Promise<Record<string, unknown>>;
  /** READ_RESULTS. CLIENT artifacts that can be collected, for the Collect dialog. */
  collectable(actor: Principal): Promise<ArtifactDefinition[]>;
  /** READ_RESULTS. Counts of flows created since a time (optionally by one creator), by state, and their stored rows. */
  summary(actor: Principal, p: { since: Date; creator?: string }): Promise<{ total: number; byState: Record<string, number>; totalRows: number }>;
  /** READ_RESULTS. Newest first. */
  list(actor: Principal, clientId: string, p?: { offset?: number; limit?: number; /** Only the flows that collected this artifact. */ artifact?: string }): Promise<{ items: FlowSummary[]; total: number }>;
  /** READ_RESULTS. */
  get(actor: Principal, clientId: string, flowId: string): Promise<FlowSummary>;
  /**
   * READ_RESULTS. A page of one source's rows, columns in the agent's order. `tx`: read inside
   * the caller's transaction (a journal consumer's; on the embedded database a query outside an
   * open transaction waits for it to end). With a view (FlowResultsView) the page is of the
   * sorted/filtered rows and `total` counts the rows the filter keeps.
   */
  results(actor: Principal, p: { clientId: string; flowId: string; artifact: string; offset?: number; limit?: number; tx?: Db } & FlowResultsView): Promise<{ columns: string[]; rows: Record<string, unknown>[]; total: number }>;
  /**
   * READ_RESULTS. Every row of one source in the view's order, `batch` rows at a time (downloads);
   * a source the flow does not have is not_found, a bad view bad_request, before the first page.
   */
  resultPages(actor: Principal, p: { clientId: string; flowId: string; artifact: string; batch?: number } & FlowResultsView): AsyncIterable<Record<string, unknown>[]>;
  /**
   * READ_RESULTS. The first row of each (flow, source) asked for, in one read, keyed
   * `${flowId}\u0000${artifact}`; `tx` as for results().
   */
  firstRows(actor: Principal, wanted: Array<{ flowId: string; artifact: string }>, opts?: { tx?: Db }): Promise<Map<string, Record<string, unknown>>>;
  /** READ_RESULTS. */
  /** A page of the flow's log, its size, and how many of its lines are errors (with the first). */
  logs(
    actor: Principal,
    p: { clientId: string; flowId: string; offset?: number; limit?: number },
  ): Promise<{ items: Array<{ time: Date; level: string; message: string; artifact: string }>; total: number; errors: number; firstError?: { message: string; artifact: string } }>;
  /** READ_RESULTS. */
  uploads(actor: Principal, p: { clientId: string; flowId: string }): Promise<Array<{ uploadId: string; name: string; size: number; sha256: string; artifact: string; createdAt: Date }>>;
  /** READ_RESULTS. The bytes of an upload, streamed from wherever they are stored (for downloads). */
  uploadFile(actor: Principal, p: { clientId: string; flowId: string; uploadId: string }): Promise<{ name: string; size: number; sha256: string; body: AsyncIterable<Uint8Array> }>;
  /**
   * DELETE_RESULTS. What deleting the flow removes: each source's rows, the log, each upload, the
   * flow record. With `really` it is deleted, in one transaction with its audit record; a flow
   * still WAITING or RUNNING is refused (cancel it first), a flow of another client is not_found.
   */
  delete(actor: Principal, clientId: string, flowId: string, opts: { really: boolean }): Promise<DeletedItem[]>;
  /** COLLECT_CLIENT. WAITING flows end at once; running ones when the agent confirms. Audited. */
  cancel(actor: Principal, clientId: string, flowId: string): Promise<FlowSummary>;
  /** Resolves when every message received so far is stored (tests, shutdown). */
  drain(): Promise<void>;
  /**
   * Ends overdue flows as TIMEOUT (a RUNNING flow past its time limit plus a grace period, a
   * WAITING flow of an offline client past the waiting period); returns how many. One process
   * runs this every minute under the lease `flow-expiry`; tests call it with an injected clock.
   */
  expireOverdue(): Promise<number>;
  /**
   * For the hunt manager only: ends these flows as CANCELLED with `status` where they are still
   * WAITING for a client that is not connected (a stopped hunt's flows that never reached their
   * client), each with its completion event; returns the flow ids it ended. Connected clients'
   * waiting flows are on their agents already and are left alone.
   */
  withdrawWaiting(flows: Array<{ clientId: string; flowId: string }>, status: string): Promise<string[]>;
}
