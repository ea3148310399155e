// What every service is built from and speaks in: who acts (Principal), the server's settings,
// the injected clock, logger and id source, and the one error type services refuse with.
import type { Database } from "@/drizzle";
import type { Permission, Role } from "../auth/roles";
import type { IdSource } from "./cluster";

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

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The dependencies every service gets; each service's own deps extend it with the services it calls. */
export interface ServiceDeps {
  database: Database;
  config: ServerConfig;
  clock: Clock;
  log: Logger;
  ids: IdSource;
}

/**
 * One thing a deletion removes (or, in a dry run, would remove): its kind (Velociraptor's names:
 * CollectionContext, Result, Log, Upload, Events...), where Velociraptor would keep it
 * (`/clients/<C>/collections/<F>`...), and how many stored rows it is when it is rows.
 */
export interface DeletedItem {
  type: string;
  path: string;
  rows?: number;
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
