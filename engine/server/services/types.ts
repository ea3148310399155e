// Service interfaces and the dependencies they are built from. Implementations live in
// engine/server/services/<name>/ and never import each other: they meet here and in wiring.ts.
import type { Database } from "../../../drizzle";
import type { Permission, Role } from "../auth/roles";
import type { WsRoute } from "../ws/router";
import type { UiHub } from "../ws/ui-hub";
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
