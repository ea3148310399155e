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
import { endpointTopics } from "./ws/endpoint-topics";
import { startQueries } from "./vql/runner";
import { createAgentGateway, createConnectionRegistry } from "./agent-gateway";
import { queryLines } from "./api/query-lines";
import { startClients } from "./services/clients";
import { startEvents } from "./services/events";
import { repositorySource, startFlows, type FlowExpiryOptions } from "./services/flows";
import { startInterrogation } from "./services/interrogation";
import type { ArtifactSource } from "./services/types";

export interface EngineOptions {
  dataDir?: string;
  databaseUrl?: string;
  adminPassword?: string;
  /** Use an in-memory embedded database (tests). */
  memory?: boolean;
  log?: Logger;
  clock?: Clock;
  /** An already open database (tests run the engine on each test database target). */
  database?: import("../../drizzle").Database;
  /** Artifact definitions for collections (tests; the artifact repository once wired). */
  artifactSource?: ArtifactSource;
  /** Interrogations started per second at most (default 100; 0 disables). */
  interrogationsPerSecond?: number;
  /** Agent heartbeat interval (tests shorten it). */
  agentHeartbeatMs?: number;
  /** Server-side flow deadlines (defaults: 5 min grace, 7 days waiting, checked every minute). */
  flowExpiry?: FlowExpiryOptions;
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
  const database = opts.database ?? (await openDatabase({ url: opts.databaseUrl, dataDir: config.dataDir, memory: opts.memory }));
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
  // endpoints (issue 5): events, connected agents, clients, flows, interrogation, the agent route
  const events = startEvents(deps);
  const agents = createConnectionRegistry();
  const live = endpointTopics(ui);
  const clients = startClients(deps, { audit, events, agents, signal: controller.signal, onChange: (ids, what) => ids.forEach((id) => live.clientChanged(id, { type: what })) });
  clients.onEnrolled((clientId) => live.clientChanged(clientId, { type: "enrolled" }));
  const repoSource = repositorySource(() => artifacts);
  const flows = startFlows(deps, {
    agents,
    events,
    audit,
    // Tests pass their own definitions; otherwise the artifact repository.
    artifacts: () => opts.artifactSource ?? repoSource,
    onChange: (clientId, flowId) => live.flowChanged(clientId, flowId),
    searchClientIds: (actor, q) => clients.searchIds(actor, q),
    signal: controller.signal,
    expiry: opts.flowExpiry ?? flowExpiryFromEnv(),
  });
  agents.onChange = (clientId, online) => live.clientChanged(clientId, { type: "online", online });
  const interrogation = startInterrogation(deps, {
    clients,
    flows,
    events,
    signal: controller.signal,
    perSecond: opts.interrogationsPerSecond ?? envNumber("TALON_INTERROGATIONS_PER_SECOND"),
    onInterrogated: (clientId) => live.clientChanged(clientId, { type: "interrogated" }),
  });
  const agentRoute = createAgentGateway({ registry: agents, clients, flows, log, serverVersion: TALON_VERSION, heartbeatMs: opts.agentHeartbeatMs, signal: controller.signal });
  const started = Date.now();
  let closing: Promise<void> | undefined;

  const engine: Engine = {
    config,
    log,
    audit,
    accounts,
    notebooks,
    artifacts,
    queries: undefined as unknown as Engine["queries"],
    clients,
    flows,
    events,
    interrogation,
    agents,
    api: { queryLines },
    ui,
    wsRoutes: [ui.route, notebooks.collabRoute, agentRoute],
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
        await flows.drain().catch(() => {});
        await clients.flushTouches().catch(() => {});
        await database.close();
      })();
      return closing;
    },
  };
  engine.queries = startQueries(() => engine, () => engine.artifacts);
  engineRef = engine;
  return engine;
}

/** TALON_FLOW_GRACE_SECONDS and TALON_WAITING_FLOW_EXPIRY_HOURS (unset: the defaults). */
function flowExpiryFromEnv() {
  const grace = envNumber("TALON_FLOW_GRACE_SECONDS");
  const waiting = envNumber("TALON_WAITING_FLOW_EXPIRY_HOURS");
  return { graceMs: grace === undefined ? undefined : grace * 1000, waitingMs: waiting === undefined ? undefined : waiting * 3600_000 };
}

function envNumber(name: string): number | undefined {
  const v = process.env[name];
  return v === undefined || v === "" || !Number.isFinite(Number(v)) ? undefined : Number(v);
}
