// The only file that opens a database handle: embedded PGlite in a data dir (the default) or
// PostgreSQL through postgres.js when a URL is given. Applies the generated migrations at open.
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";
import { DatabaseUnavailableError } from "./errors";
import { lockDataDir, type DirLock } from "./lock";
import { profileStatements } from "./profile";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Where it lives, with any password removed: safe to print. */
  location: string;
  /**
   * LISTEN on `channel` over one dedicated connection (shared by every listen of this handle;
   * postgres.js reconnects it after a drop). `onListen` runs each time the listen is in place,
   * first and after every reconnect, so a caller can re-read what it may have missed. PGlite
   * delivers its own NOTIFYs in-process. Resolves to the function that stops listening.
   */
  listen(channel: string, onNotify: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
  /**
   * A connection of its own that is never pooled, recycled or timed out: session-level state
   * (advisory locks) lives on it until close() or the connection drops. PGlite has one
   * connection: the session is that connection.
   */
  openSession(): Promise<DbSession>;
  close(): Promise<void>;
}

export interface DbSession {
  db: Db;
  close(): Promise<void>;
}

/** The advisory lock key every migrating process takes (on one reserved connection). */
const MIGRATION_LOCK = 727274;

export interface OpenOptions {
  /** postgres://… ; when absent the embedded database in dataDir is used. */
  url?: string;
  /** Data dir for the embedded database; default ./.data */
  dataDir?: string;
  /** Use an in-memory embedded database (tests). */
  memory?: boolean;
  /** Skip migrations (tools that only read). */
  migrate?: boolean;
}

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "migrations");

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<invalid database URL>";
  }
}

export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.migrate !== false) : openPglite(opts);
}

async function openPostgres(url: string, migrate: boolean): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const location = redactUrl(url);
  let client;
  try {
    client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10 });
    await client`select 1`;
  } catch (err) {
    await client?.end({ timeout: 1 }).catch(() => {});
    throw new DatabaseUnavailableError(
      `cannot reach PostgreSQL at ${location}: ${(err as Error).message}`,
    );
  }
  const db = drizzle(client, { schema }) as unknown as Db;
  if (migrate) {
    const { migrate: run } = await import("drizzle-orm/postgres-js/migrator");
    // Several Talon processes may share one database: migrate under an advisory lock, taken
    // and released on one reserved connection (a session lock released on another pooled
    // connection would stay held).
    const reserved = await client.reserve();
    try {
      await reserved`select pg_advisory_lock(${MIGRATION_LOCK})`;
      try {
        await run(db as never, { migrationsFolder });
      } finally {
        await reserved`select pg_advisory_unlock(${MIGRATION_LOCK})`;
      }
    } finally {
      reserved.release();
    }
  }
  const sessions = new Set<{ end(o: { timeout: number }): Promise<void> }>();
  return {
    db,
    kind: "postgres",
    location,
    async listen(channel, onNotify, onListen) {
      const { unlisten } = await client.listen(channel, onNotify, onListen);
      return unlisten;
    },
    async openSession() {
      const own = postgres(url, { max: 1, idle_timeout: 0, max_lifetime: 0, onnotice: () => {}, connect_timeout: 10 });
      sessions.add(own);
      await own`select 1`;
      return {
        db: drizzle(own, { schema }) as unknown as Db,
        async close() {
          sessions.delete(own);
          await own.end({ timeout: 2 }).catch(() => {});
        },
      };
    },
    async close() {
      await Promise.all([...sessions].map((s) => s.end({ timeout: 2 }).catch(() => {})));
      await client.end({ timeout: 5 });
    },
  };
}

async function openPglite(opts: OpenOptions): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  let lock: DirLock | undefined;
  let location = "memory";
  let pg;
  try {
    if (opts.memory) {
      pg = await PGlite.create();
    } else {
      const dir = resolve(opts.dataDir ?? ".data");
      location = dir;
      lock = lockDataDir(dir);
      mkdirSync(join(dir, "pglite"), { recursive: true });
      pg = await PGlite.create(join(dir, "pglite"));
    }
  } catch (err) {
    lock?.release();
    if (err instanceof DatabaseUnavailableError) throw err;
    throw new DatabaseUnavailableError(
      `cannot open the embedded database in ${location}: ${(err as Error).message}`,
    );
  }
  if (process.env.TALON_SQL_PROFILE) profileStatements(pg);
  const db = drizzle(pg, { schema }) as unknown as Db;
  if (opts.migrate !== false) {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(db as never, { migrationsFolder });
  }
  let closed = false;
  return {
    db,
    kind: "pglite",
    location,
    async listen(channel, onNotify, onListen) {
      const stop = await pg.listen(channel, onNotify);
      onListen?.();
      return async () => {
        if (!closed) await stop();
      };
    },
    async openSession() {
      return { db, close: async () => {} };
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pg.close();
      } finally {
        lock?.release();
      }
    },
  };
}
