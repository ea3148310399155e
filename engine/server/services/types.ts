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
