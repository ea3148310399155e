// The one place that constructs services and connects them, in dependency order, and stops
// them in reverse order.
import { fileURLToPath } from "node:url";
import { openDatabase, queries } from "../../drizzle";
import { createLogger } from "./log";
import { startAccounts } from "./services/accounts";
import { startArtifacts } from "./services/artifacts";
import { startAudit } from "./services/audit";
import { startNotebooks } from "./services/notebooks";
import type { Clock, Engine, Logger, ServerConfig } from "./services/types";
import { TALON_VERSION } from "./version";
import { createUiHub } from "./ws/ui-hub";
import { startQueries } from "./vql/runner";

export interface EngineOptions {
  dataDir?: string;
  databaseUrl?: string;
  adminPassword?: string;
  /** Use an in-memory embedded database (tests). */
  memory?: boolean;
  log?: Logger;
  clock?: Clock;
}

export async function createEngine(opts: EngineOptions = {}): Promise<Engine> {
  const log = opts.log ?? createLogger();
  const clock = opts.clock ?? { now: () => new Date() };
  const config: ServerConfig = {
    version: TALON_VERSION,
    dataDir: opts.dataDir ?? ".data",
    databaseUrl: opts.databaseUrl,
    adminPassword: opts.adminPassword,
    sessionIdleMs: 7 * 24 * 3600_000,
    sessionMaxMs: 30 * 24 * 3600_000,
  };
  const database = await openDatabase({ url: opts.databaseUrl, dataDir: config.dataDir, memory: opts.memory });
  const controller = new AbortController();
  const deps = { database, config, clock, log };
  const audit = startAudit(deps);
  const accounts = startAccounts(deps, audit);
  const ui = createUiHub({ log, version: TALON_VERSION });
  const artifacts = await startArtifacts(deps, audit, { onChange: (e) => ui.publish("artifacts:changes", { type: "artifact-changed", ...e }) });
  ui.authorize("artifacts", (p) => p.permissions.has("READ_RESULTS"));
  // Cells run through engine.queries (portable and server builtins, the editing user's
  // permissions); `engine` is assigned below, before any cell can run.
  let engineRef: Engine | undefined;
  const notebooks = await startNotebooks({
    ...deps,
    audit,
    ui,
    signal: controller.signal,
    templatesDir: fileURLToPath(new URL("../../notebooks", import.meta.url)),
    runQuery: (source, o) => engineRef!.queries.run(source, o),
    saveArtifact: async (actor, yaml) => ({ name: (await artifacts.set(actor, yaml)).name }),
  });
  const started = Date.now();
  let closing: Promise<void> | undefined;

  const engine: Engine = {
    config,
    log,
    audit,
    accounts,
    notebooks,
    artifacts,
    ui,
    queries: undefined as unknown as Engine["queries"],
    wsRoutes: [ui.route, notebooks.collabRoute],
    signal: controller.signal,
    async health() {
      try {
        const server = await queries.pingDatabase(database.db);
        return { ok: true, version: TALON_VERSION, database: { kind: database.kind, ok: true, server }, uptimeSeconds: Math.round((Date.now() - started) / 1000) };
      } catch (err) {
        return { ok: false, version: TALON_VERSION, database: { kind: database.kind, ok: false, error: (err as Error).message }, uptimeSeconds: Math.round((Date.now() - started) / 1000) };
      }
    },
    close() {
      closing ??= (async () => {
        // Running cells store their state and open documents are saved while the database is open.
        await notebooks.stop().catch((err) => log.error("notebooks stop failed", { error: (err as Error).message }));
        controller.abort(new Error("engine closing"));
        await database.close();
      })();
      return closing;
    },
  };
  engine.queries = startQueries(() => engine, () => engine.artifacts);
  engineRef = engine;
  return engine;
}
