// `talon serve`: configuration from flags and environment, a production build when the web
// app has not been built (or its sources changed), then the server until SIGINT/SIGTERM, and
// the local agent as a child process (local-agent-supervisor.ts). Secrets are read from the
// environment once and removed from it before anything else runs (secrets-env.ts).
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { TALON_VERSION } from "../server/version";
import { superviseLocalAgent, type LocalAgentSupervisor } from "./local-agent-supervisor";
import { agentIsolationEnv, parseProtectedPathList } from "./local-agent-settings";
import { childEnv, takeStartupSecrets } from "./secrets-env";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const SERVE_HELP = `Usage: talon serve [options]

Runs the Talon workspace: web app, API and WebSocket endpoints on one port.

Options:
  -p, --port N        port to listen on (env PORT, default 3000)
      --host ADDR     address to listen on (env HOST, default 127.0.0.1; use 0.0.0.0 to
                      accept connections from other machines)
      --data DIR      data dir for the embedded database (env TALON_DATA_DIR, default ./.data)
      --database-url URL
                      use this PostgreSQL server instead of the embedded database
                      (env DATABASE_URL)
      --dev           development mode (hot reload, no production build)
      --no-local-client
                      do not run the agent for this machine (by default the server also
                      runs one as a child process, with its state in <data dir>/local-client;
                      collecting from it needs COLLECT_SERVER)
  -h, --help          show this help

Environment:
  TALON_ADMIN_PASSWORD  password for the first administrator (user "admin") when the
                        database has no user yet; otherwise a random one is printed once
  TALON_EVENT_RETENTION_DAYS, TALON_EVENT_RETENTION
                        how long the journal keeps events (default 30 days; per queue as
                        Queue=days,...)
  (README.md lists every setting.)

Several processes may serve one PostgreSQL (the same --database-url): agents take all their
URLs (talon client --server URL1,URL2) and browsers may reach any of them. See docs/cluster.md.
`;

function newestMtime(dir: string, skip: Set<string>): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name) || entry.name.startsWith(".")) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, skip));
    else if (/\.(tsx?|css|json|js|mjs)$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * True when .next holds no production build, or the sources it bundles changed since: app/,
 * the pure engine code the browser uses (engine/vql, engine/index.ts and what it re-exports),
 * next.config.js and package.json. Server-only engine code is loaded at run time, not built.
 */
export function buildIsStale(root = ROOT): boolean {
  const id = join(root, ".next", "BUILD_ID");
  if (!existsSync(id)) return true;
  const built = statSync(id).mtimeMs;
  const skip = new Set(["node_modules", "testdata", "__golden__"]);
  const dirs = ["app", "engine/vql", "engine/protocol"].map((d) => join(root, d)).filter((d) => existsSync(d));
  const files = ["next.config.js", "package.json", "engine/index.ts", "engine/server/auth/roles.ts"].map((f) => join(root, f)).filter((f) => existsSync(f));
  const sources = Math.max(...dirs.map((d) => newestMtime(d, skip)), ...files.map((f) => statSync(f).mtimeMs));
  return sources > built;
}

function runBuild(): Promise<number> {
  process.stdout.write("Building the web app for production (first start or changed sources; about a minute)...\n");
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [join(ROOT, "node_modules", "next", "dist", "bin", "next"), "build"], {
      cwd: ROOT,
      stdio: "inherit",
      // Only what a build needs: never the secrets (read and removed before this runs).
      env: { ...childEnv(), NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" } as NodeJS.ProcessEnv,
    });
    child.on("exit", (code) => resolvePromise(code ?? 1));
  });
}

export async function serveCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string", short: "p" },
        host: { type: "string" },
        data: { type: "string" },
        "database-url": { type: "string" },
        dev: { type: "boolean", default: false },
        "no-local-client": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`talon serve: ${(err as Error).message}\n\n${SERVE_HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`talon serve: --port must be a number from 0 to 65535, not "${values.port ?? process.env.PORT}"\n`);
    return 2;
  }
  // Read once, then gone from process.env: nothing started later sees them.
  const { databaseUrl, adminPassword } = takeStartupSecrets({ databaseUrl: values["database-url"] });
  const dev = values.dev;
  (process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  // TALON_NO_BUILD=1: the caller (the test harness) has just built; skip the staleness check.
  if (!dev && process.env.TALON_NO_BUILD !== "1" && buildIsStale()) {
    const code = await runBuild();
    if (code !== 0) {
      process.stderr.write("talon serve: the web app build failed (see above)\n");
      return 1;
    }
  }

  const { startServer } = await import("../../server");
  const { DatabaseUnavailableError } = await import("../../drizzle/errors");
  const t0 = performance.now();
  let server;
  try {
    server = await startServer({
      port,
      host: values.host ?? process.env.HOST ?? "127.0.0.1",
      dev,
      dataDir: resolve(values.data ?? process.env.TALON_DATA_DIR ?? join(process.cwd(), ".data")),
      databaseUrl,
      adminPassword,
      publicOrigins: (process.env.TALON_PUBLIC_ORIGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean),
      trustedProxies: process.env.TALON_TRUSTED_PROXIES,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (err instanceof DatabaseUnavailableError) process.stderr.write(`talon serve: ${e.message}\n`);
    else if (e.code === "EADDRINUSE") process.stderr.write(`talon serve: port ${port} is already in use; choose another with --port or PORT\n`);
    else if (e.code === "EACCES") process.stderr.write(`talon serve: not allowed to listen on port ${port}\n`);
    else if (e.name === "ServiceError") process.stderr.write(`talon serve: ${e.message}\n`);
    else process.stderr.write(`talon serve: could not start: ${e.stack ?? e.message}\n`);
    return 1;
  }
  const { engine } = server;
  const db = engine.config.databaseUrl ? "PostgreSQL" : `embedded (${engine.config.dataDir})`;
  process.stdout.write(`Talon ${TALON_VERSION} ready on ${server.url} in ${Math.round(performance.now() - t0)} ms (database: ${db})\n`);
  const files = openFileLimit();
  // Every connected agent is one socket: the open-file limit caps how many one process holds.
  if (files !== undefined && files < 65_536) process.stdout.write(`Open-file limit ${files}: about ${Math.max(0, files - 4096).toLocaleString("en-US")} agents can connect to this process (raise it with ulimit -n, or run several processes: docs/cluster.md)\n`);
  // Started without waiting: the signal handlers below must be in place as soon as the server
  // answers, and loading the agent takes a moment.
  const localAgent = values["no-local-client"] || process.env.TALON_NO_LOCAL_CLIENT === "1" ? undefined : startLocalClient(server.url, engine);
  if (localAgent) void localAgent.ready.then((id) => process.stdout.write(`Local client ${id} runs as process ${localAgent.pid()} (disable with --no-local-client)\n`));

  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        process.stderr.write("talon serve: forced exit\n");
        process.exit(1);
      }
      stopping = true;
      process.stdout.write(`${signal}: shutting down...\n`);
      const force = setTimeout(() => {
        process.stderr.write("talon serve: shutdown took too long; exiting\n");
        process.exit(1);
      }, 15_000);
      force.unref();
      Promise.resolve(localAgent?.stop())
        .catch(() => {})
        .then(() => server.close())
        .then(() => done(0))
        .catch((err) => {
          process.stderr.write(`talon serve: shutdown error: ${(err as Error).message}\n`);
          done(1);
        });
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}

/** The soft open-file limit of this process (Linux), or undefined. */
function openFileLimit(): number | undefined {
  try {
    const m = /Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The agent for this machine, as a child process enrolled with the server's own deployment token. */
export function startLocalClient(url: string, engine: import("../index").Engine, log: (line: string) => void = (l) => process.stderr.write(l + "\n")): LocalAgentSupervisor {
  const u = new URL(url);
  if (u.hostname === "0.0.0.0" || u.hostname === "[::]") u.hostname = "127.0.0.1";
  return superviseLocalAgent({
    settings: async () => ({
      server: u.toString(),
      token: await engine.clients.ensureDeploymentToken(),
      stateDir: resolve(engine.config.dataDir, "local-client"),
      serverDataDir: resolve(engine.config.dataDir),
      serverPid: process.pid,
      protectedPaths: parseProtectedPathList(process.env.TALON_AGENT_PROTECTED_PATHS),
      isolationEnv: agentIsolationEnv(process.env),
    }),
    onClientId: (clientId) => engine.clients.recordServerHost(clientId),
    log: (line) => log(`local client: ${line}`),
  });
}
