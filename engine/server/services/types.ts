// Service interfaces and the dependencies they are built from. Implementations live in
// engine/server/services/<name>/ and never import each other: they meet here and in wiring.ts.
import type { Database } from "../../../drizzle";
import type { Permission, Role } from "../auth/roles";
import type { WsRoute } from "../ws/router";
import type { UiHub } from "../ws/ui-hub";
import type { QueryService } from "../vql/runner";
import type { NotebooksService } from "./notebooks/model";

/** Who is acting: a signed-in user, an API key's user, or the server itself. */
export interface Principal {
  userId: string;
  username: string;
  role: Role | string;
  permissions: ReadonlySet<Permission>;
  /** How the principal authenticated; "system" for the server's own work. */
  via: "session" | "api-key" | "system";
}

export interface ServerConfig {
  version: string;
  dataDir: string;
  databaseUrl?: string;
  adminPassword?: string;
  /** Session lifetime since last use. */
  sessionIdleMs: number;
  /** Hard session lifetime. */
  sessionMaxMs: number;
}

export interface Clock {
  now(): Date;
}

export interface ServiceDeps {
  database: Database;
  config: ServerConfig;
  clock: Clock;
  log: Logger;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

// ---- audit -------------------------------------------------------------------------------
/** Records sensitive actions. Any service may call record(); it never throws to the caller. */
export interface AuditService {
  record(principal: Pick<Principal, "username">, operation: string, details?: Record<string, unknown>): Promise<void>;
  list(p: { before?: number; limit: number; principal?: string; operation?: string }): Promise<AuditEntry[]>;
}

export interface AuditEntry {
  id: number;
  at: Date;
  principal: string;
  operation: string;
  details: Record<string, unknown>;
}

// ---- accounts ------------------------------------------------------------------------------
export interface UserSummary {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  createdAt: Date;
}

/** Users, passwords, sessions and API keys. Actor-taking methods check the actor's permission. */
export interface AccountsService {
  /** Creates `admin` with a random (or configured) password when no user exists. */
  ensureFirstAdmin(): Promise<{ created: false } | { created: true; username: string; password: string }>;
  /** A session token for valid credentials, or a reason (never says which part was wrong). */
  signIn(username: string, password: string, meta: { userAgent: string; ip: string }): Promise<
    { ok: true; token: string; principal: Principal; expiresAt: Date } | { ok: false; reason: string }
  >;
  signOut(token: string): Promise<void>;
  resolveSession(token: string): Promise<Principal | undefined>;
  resolveApiKey(key: string): Promise<Principal | undefined>;
  listUsers(actor: Principal): Promise<UserSummary[]>;
  createUser(actor: Principal, p: { username: string; password: string; role: string }): Promise<UserSummary>;
  setRole(actor: Principal, username: string, role: string): Promise<void>;
  resetPassword(actor: Principal, username: string, password: string): Promise<void>;
  changeOwnPassword(actor: Principal, oldPassword: string, newPassword: string): Promise<void>;
  setDisabled(actor: Principal, username: string, disabled: boolean): Promise<void>;
  issueApiKey(actor: Principal, username: string, name: string): Promise<{ id: string; key: string }>;
  listApiKeys(actor: Principal): Promise<Array<{ id: string; username: string; name: string; createdAt: Date; lastUsedAt: Date | null; revoked: boolean }>>;
  revokeApiKey(actor: Principal, id: string): Promise<void>;
}

/** Thrown by services for a refused or invalid request; `status` maps it to HTTP in one place. */
export class ServiceError extends Error {
  constructor(
    readonly code: "forbidden" | "bad_request" | "not_found" | "conflict" | "unauthorized" | "rate_limited",
    message: string,
  ) {
    super(message);
    this.name = "ServiceError";
  }
  get status(): number {
    return { forbidden: 403, bad_request: 400, not_found: 404, conflict: 409, unauthorized: 401, rate_limited: 429 }[this.code];
  }
}

export function requirePermission(actor: Principal, permission: Permission): void {
  if (!actor.permissions.has(permission)) {
    throw new ServiceError("forbidden", `this needs the ${permission} permission`);
  }
}

// ---- notebooks (shapes in notebooks/model.ts) -------------------------------------------------
export type {
  NotebooksService,
  NotebookView,
  NotebookSummary,
  CellView,
  CellType,
  RunStatus,
  ResultTableView,
  RowsPage,
  RowsRequest,
  NotebookEvent,
  NotebookParameter,
  TemplateSummary,
  OutputBlock,
  CellLog,
} from "./notebooks/model";

// ---- the engine: every service, built once per process by wiring.ts ---------------------------
export interface Health {
  ok: boolean;
  version: string;
  database: { kind: "pglite" | "postgres"; ok: boolean; server?: string; error?: string };
  uptimeSeconds: number;
}

export interface Engine {
  config: ServerConfig;
  log: Logger;
  audit: AuditService;
  accounts: AccountsService;
  /** Runs VQL on the server as a principal (notebooks, the query API, server artifacts). */
  queries: QueryService;
  artifacts: ArtifactsService;
  notebooks: NotebooksService;
  // endpoints (issue 5)
  clients: ClientsService;
  flows: FlowsService;
  events: EventsService;
  interrogation: InterrogationService;
  agents: Pick<AgentConnections, "isConnected" | "count">;
  /** Wire formats the route handlers use (built in the engine's module graph). */
  api: { queryLines(events: AsyncIterable<import("../../vql").VqlEvent>, source?: string): ReadableStream<Uint8Array> };
  /** Live channel to browsers: services publish, pages subscribe. */
  ui: Pick<UiHub, "publish" | "authorize" | "subscribers">;
  /** WebSocket endpoints the HTTP server mounts (agents, browsers, collaboration). */
  wsRoutes: WsRoute[];
  health(): Promise<Health>;
  /** Stops services (in reverse order of start) and closes the database. Idempotent. */
  close(): Promise<void>;
  /** Aborted when the engine closes: long-running work chains its signals to this one. */
  signal: AbortSignal;
}

// ---- artifacts -------------------------------------------------------------------------------
import type { Artifact, ArtifactType, Diagnostic as ArtifactDiagnostic, LoadResult as ArtifactLoadResult } from "../../artifacts";
import type { PluginLike } from "../../vql";
export type { Artifact, ArtifactType, ArtifactDiagnostic, ArtifactLoadResult };

export interface ArtifactSummary {
  name: string;
  type: ArtifactType;
  /** The description's first paragraph. */
  summary: string;
  builtIn: boolean;
  /** For a built-in: the custom artifact that replaces it when collected (`Custom.<name>`). */
  overriddenBy?: string;
  updatedBy?: string;
  updatedAt?: Date;
}

export interface ArtifactDetails extends ArtifactSummary {
  artifact: Artifact;
  yaml: string;
  /** For `Custom.X`: the built-in `X` it replaces when collected. */
  overrides?: string;
  version?: number;
  createdBy?: string;
  createdAt?: Date;
  /** Warnings found when the artifact was loaded (errors never get this far). */
  warnings: ArtifactDiagnostic[];
}

export interface ArtifactChange {
  id: number;
  name: string;
  operation: "set" | "delete" | "rename" | string;
  version: number;
  principal: string;
  at: Date;
  details: Record<string, unknown>;
  /** The YAML after the change (null for a delete). */
  yaml: string | null;
}

/** A change to a custom artifact (also what `Server.Internal.ArtifactModification` describes). */
export interface ArtifactChangeEvent {
  artifact: string;
  op: "set" | "delete" | "rename";
  principal: string;
  /** For a rename: the old name. */
  from?: string;
}

export interface ArtifactImportResult {
  files: Array<{ file: string; name?: string; renamedFrom?: string; ok: boolean; errors: string[] }>;
}

/**
 * The artifact repository: built-ins loaded from artifacts/definitions at boot, custom artifacts
 * in the database with their history. Methods taking an actor check permissions: reading needs
 * READ_RESULTS; writing needs ARTIFACT_WRITER, or SERVER_ARTIFACT_WRITER for server, notebook
 * and internal types. get()/all() are for other services and check nothing.
 */
export interface ArtifactsService {
  /** The definition to run for `name`: `Custom.<name>` when it exists (unless exact), else `name`. */
  get(name: string, opts?: { exact?: boolean }): Artifact | undefined;
  /** Every loaded artifact, custom ones replacing nothing (both are listed). */
  all(): Artifact[];
  list(actor: Principal, q?: { search?: string; type?: string; limit?: number }): Promise<ArtifactSummary[]>;
  show(actor: Principal, name: string): Promise<ArtifactDetails>;
  history(actor: Principal, name: string, limit?: number): Promise<ArtifactChange[]>;
  /** Loads and checks YAML the way set() would (no permission needed, nothing saved). */
  validate(yaml: string, opts?: { prefix?: string }): ArtifactLoadResult;
  /** The YAML to start editing `name` from: a built-in's copy renamed `Custom.<name>`. */
  editableYaml(actor: Principal, name: string): Promise<string>;
  /** Creates or replaces a custom artifact; its name must start with `prefix` (default `Custom.`). */
  set(actor: Principal, yaml: string, opts?: { prefix?: string }): Promise<ArtifactDetails>;
  delete(actor: Principal, name: string): Promise<void>;
  rename(actor: Principal, from: string, to: string): Promise<ArtifactDetails>;
  /** A YAML file or a zip of them; names without the prefix get it prepended. */
  importPack(actor: Principal, file: { filename: string; data: Uint8Array }, opts?: { prefix?: string }): Promise<ArtifactImportResult>;
  exportOne(actor: Principal, name: string): Promise<{ filename: string; yaml: string }>;
  /** Every custom artifact in a zip, at `<Dotted>/<Path>.yaml`. */
  exportAll(actor: Principal): Promise<{ filename: string; data: Uint8Array }>;
  /**
   * Calls `listener` after every saved, renamed or deleted custom artifact (event tables use it
   * to restart). Returns the unsubscribe function. Listeners must not throw or block.
   */
  onChange(listener: (e: ArtifactChangeEvent) => void): () => void;
  /** The plugin behind `Artifact.<dottedName>(...)` for the VQL runner, or undefined. */
  pluginFor(dottedName: string, principal: Principal): PluginLike | undefined;
}

// ---- endpoints: clients, labels, flows, interrogation, events ---------------------------------
// (issue 5) The agent gateway (engine/server/agent-gateway) authenticates agents through
// ClientsService.agentHello, feeds flow data to FlowsService.receive, and exposes the connected
// agents to services as AgentConnections.

/** The connected agents of this process. Implemented by the agent gateway. */
export interface AgentConnections {
  /** Sends a message to a connected agent; false when it is not connected here. */
  send(clientId: string, message: import("../../protocol").ServerToAgent): boolean;
  isConnected(clientId: string): boolean;
  /** Ids of the connected agents. */
  connectedIds(): string[];
  /** Number of connected agents. */
  count(): number;
}

/** A parameter an artifact declares. */
export interface ArtifactParameter {
  name: string;
  default?: string;
  type?: string;
  description?: string;
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
}

/**
 * Where collections find artifact definitions. The artifact repository (issue 4) implements it;
 * until it is wired, tests pass a small in-code provider. get() returns undefined for an
 * unknown name.
 */
export interface ArtifactSource {
  get(name: string): Promise<ArtifactDefinition | undefined> | ArtifactDefinition | undefined;
  /** Definitions offered in the Collect dialog (CLIENT artifacts). */
  list?(): Promise<ArtifactDefinition[]> | ArtifactDefinition[];
  /**
   * Typed parameter values for a run (defaults, type conversion, unknown names refused). When
   * absent, declared defaults are used and given values pass through as they are.
   */
  resolveParameters?(name: string, given: Record<string, unknown>): { ok: true; env: Record<string, unknown> } | { ok: false; error: string };
}

export interface ClientSummary {
  clientId: string;
  hostname: string;
  fqdn: string;
  /** linux, windows, darwin (Velociraptor's os_info.system). */
  os: string;
  platform: string;
  release: string;
  architecture: string;
  ipAddresses: string[];
  macAddresses: string[];
  agentName: string;
  agentVersion: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastIp: string;
  /** Connected to this server now. */
  online: boolean;
  labels: string[];
  metadata: Record<string, string>;
  lastInterrogateFlowId: string;
  lastInterrogatedAt: Date | null;
}

export interface ClientSearch {
  /** Velociraptor's search syntax (host:, label:, label:none, client:, ip:, mac:, os:, recent:, all, metadata keys, globs, /regex/). */
  query: string;
  offset?: number;
  /** Default 50, at most 1000. */
  limit?: number;
  /** Only clients connected now. */
  onlineOnly?: boolean;
}

export type AgentHelloResult =
  | { ok: true; enrolled: boolean; ackedSeq: number }
  | { ok: false; code: "bad-token" | "bad-identity" | "busy"; message: string };

/** Clients, labels, metadata and the deployment token. Actor-taking methods check permissions. */
export interface ClientsService {
  /** The deployment token agents enrol with (created at first start). SERVER_ADMIN. */
  deploymentToken(actor: Principal): Promise<string>;
  /** The token for the server's own use (the local agent); creates it when missing. */
  ensureDeploymentToken(): Promise<string>;
  /** READ_RESULTS. Parse errors are ServiceError bad_request ("invalid search operator ..."). */
  search(actor: Principal, p: ClientSearch): Promise<{ items: ClientSummary[]; total: number }>;
  /** READ_RESULTS. Every matching client id (up to 100,000), for collections on a search. */
  searchIds(actor: Principal, query: string): Promise<string[]>;
  /** READ_RESULTS; records the client as recently viewed by the actor when `view` is set. */
  get(actor: Principal, clientId: string, opts?: { view?: boolean }): Promise<ClientSummary>;
  /** LABEL_CLIENT. set/remove labels (trimmed, case-insensitive); audited; publishes Server.Internal.Label. */
  label(actor: Principal, clientIds: string[], labels: string[], op: "set" | "remove"): Promise<void>;
  /** READ_RESULTS. True when the client has every label. */
  hasLabels(actor: Principal, clientId: string, labels: string[]): Promise<boolean>;
  /** READ_RESULTS. */
  metadata(actor: Principal, clientId: string): Promise<Record<string, string>>;
  /** COLLECT_CLIENT or SERVER_ADMIN. Sets keys (string values) and removes keys; audited. */
  setMetadata(actor: Principal, clientId: string, set: Record<string, string>, remove: string[]): Promise<Record<string, string>>;
  /** Labels in use, with counts (for the label chips' suggestions). READ_RESULTS. */
  labelsInUse(actor: Principal): Promise<Array<{ label: string; count: number }>>;
  /** Gateway only: authenticates (and on first contact enrols) an agent whose identity was verified. */
  agentHello(p: { clientId: string; publicKey: string; token?: string; agentName: string; agentVersion: string; ip: string }): Promise<AgentHelloResult>;
  /** Gateway only: the agent was heard from (batched into one update every few seconds). */
  touch(clientId: string): void;
  /** Interrogation only: stores what Generic.Client.Info found. */
  recordInterrogation(clientId: string, flowId: string, info: Record<string, unknown>): Promise<void>;
  /** Fired (in-process) when a new client enrols. */
  onEnrolled(listener: (clientId: string) => void): () => void;
}

export type FlowState = "WAITING" | "RUNNING" | "FINISHED" | "ERROR" | "CANCELLED" | "TIMEOUT";

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
}

/** Collections: create, dispatch, store results, cancel, read back. */
export interface FlowsService {
  /** COLLECT_CLIENT (+ the artifacts' required permissions). Sent at once when the client is online. */
  collect(actor: Principal, request: CollectRequest): Promise<FlowSummary>;
  /**
   * COLLECT_CLIENT. The same collection on many clients (given by id, or by a search), stored in
   * one write; unknown client ids are skipped. Returns the flows created.
   */
  collectMany(actor: Principal, request: Omit<CollectRequest, "clientId"> & { clientIds?: string[]; search?: string }): Promise<Array<{ clientId: string; flowId: string }>>;
  /** READ_RESULTS. CLIENT artifacts that can be collected, for the Collect dialog. */
  collectable(actor: Principal): Promise<ArtifactDefinition[]>;
  /** READ_RESULTS. Counts of flows created since a time (optionally by one creator), by state, and their stored rows. */
  summary(actor: Principal, p: { since: Date; creator?: string }): Promise<{ total: number; byState: Record<string, number>; totalRows: number }>;
  /** READ_RESULTS. Newest first. */
  list(actor: Principal, clientId: string, p?: { offset?: number; limit?: number }): Promise<{ items: FlowSummary[]; total: number }>;
  /** READ_RESULTS. */
  get(actor: Principal, clientId: string, flowId: string): Promise<FlowSummary>;
  /** READ_RESULTS. A page of one source's rows, columns in the agent's order. */
  results(actor: Principal, p: { clientId: string; flowId: string; artifact: string; offset?: number; limit?: number }): Promise<{ columns: string[]; rows: Record<string, unknown>[]; total: number }>;
  /** READ_RESULTS. */
  logs(actor: Principal, p: { clientId: string; flowId: string; offset?: number; limit?: number }): Promise<{ items: Array<{ time: Date; level: string; message: string; artifact: string }>; total: number }>;
  /** READ_RESULTS. */
  uploads(actor: Principal, p: { clientId: string; flowId: string }): Promise<Array<{ uploadId: string; name: string; size: number; sha256: string; artifact: string; createdAt: Date }>>;
  /** READ_RESULTS. The stored file of an upload (for downloads). */
  uploadFile(actor: Principal, p: { clientId: string; flowId: string; uploadId: string }): Promise<{ path: string; name: string; size: number; sha256: string }>;
  /** COLLECT_CLIENT. WAITING flows end at once; running ones when the agent confirms. Audited. */
  cancel(actor: Principal, clientId: string, flowId: string): Promise<FlowSummary>;
  /** Gateway only: the agent (re)connected and reports the flows it still has. */
  agentConnected(clientId: string, inFlight: string[]): Promise<void>;
  /** Gateway only: queue a flow message for storage; resolves with the seq stored (for the ack). */
  receive(clientId: string, message: import("../../protocol").FlowMessage): Promise<number>;
  /** Resolves when every message received so far is stored (tests, shutdown). */
  drain(): Promise<void>;
  /**
   * Ends overdue flows as TIMEOUT (a RUNNING flow past its time limit plus a grace period, a
   * WAITING flow of an offline client past the waiting period); returns how many. The service
   * runs this itself every minute; tests call it with an injected clock.
   */
  expireOverdue(): Promise<number>;
}

/** One stored event (a row published to a queue). */
export interface EventRow {
  id: number;
  queue: string;
  at: Date;
  clientId: string;
  payload: Record<string, unknown>;
}

/**
 * Named event queues (the journal-to-be). publish() stores and wakes subscribers; services that
 * store events inside their own transaction call notifyStored() after the commit instead.
 */
export interface EventsService {
  publish(queue: string, payload: Record<string, unknown>, opts?: { clientId?: string }): Promise<EventRow>;
  /** Several events of one queue in one write. */
  publishMany(queue: string, items: Array<{ payload: Record<string, unknown>; clientId?: string }>): Promise<EventRow[]>;
  notifyStored(events: EventRow[]): void;
  /** Events published after the call, until the signal aborts. */
  subscribe(queue: string, opts: { signal: AbortSignal }): AsyncIterable<EventRow>;
  /** READ_RESULTS. Newest first. */
  list(actor: Principal, p: { queue: string; clientId?: string; since?: Date; limit?: number }): Promise<EventRow[]>;
}

/** Collects Generic.Client.Info from newly enrolled clients, rate-limited. */
export interface InterrogationService {
  /** COLLECT_CLIENT. Interrogates a client again. */
  interrogate(actor: Principal, clientId: string): Promise<FlowSummary>;
  /** Clients waiting for their first interrogation. */
  pending(): number;
}
