// The one place that constructs services and connects them, in dependency order, and stops
// them in reverse order. Every service is built as startX(deps, signal): deps are the shared
// ServiceDeps plus the contracts of the services it calls; the signal aborts when the engine
// closes. Services never call each other back: reactions to what happened are journal
// consumers.
import { fileURLToPath } from "node:url";
import { openDatabase, queries, type Database } from "@/drizzle";
import { createAgentGateway, createPresence, type AdmissionLimits } from "./agent-gateway";
import { queryLines } from "./api/query-lines";
import { runApiQuery } from "./api/query-run";
import { createIdSource, startBus, startClusterNode } from "./cluster";
import type { AgentIngress, ArtifactSource, Clock, Engine, Logger, Reauthenticate, ServerConfig, ServiceDeps } from "./contracts";
import { authenticate } from "./http/gate";
import { createLogger, withRing } from "./log";
import { serverDiagnostics } from "./diagnostics";
import { LogRing } from "@/engine/endpoint/diagnostics/log-ring";
import { QueryLog } from "@/engine/endpoint/diagnostics/query-log";
import { policyFromEnv } from "./net";
import { startAccounts } from "./services/accounts";
import { COMMON_PASSWORDS } from "./auth/common-passwords";
import { startAlerts } from "./services/alerts";
import { startArtifacts } from "./services/artifacts";
import { startAudit } from "./services/audit";
import { startClients } from "./services/clients";
import { repositorySource, startFlows, type FlowExpiryOptions } from "./services/flows";
import { startHunts } from "./services/hunts";
import { startDownloads } from "./services/downloads";
import { startInterrogation } from "./services/interrogation";
import { startLimits } from "./services/limits";
import { parseRetention, startJournal } from "./services/journal";
import { startBacktest, startMonitoring, startServerEvents } from "./services/monitoring";
import { startNotebooks } from "./services/notebooks";
import { startSecrets } from "./services/secrets";
import { startFavorites } from "./services/favorites";
import { startTimelines } from "./services/timelines";
import { startUserMessages } from "./services/user-messages";
import { startCryptoFiles } from "./services/crypto-files";
import { startFileStore } from "./services/file-store";
import { startTools } from "./services/tools";
import { startUserOptions } from "./services/user-options";
import { startVfs } from "./services/vfs";
import { TALON_VERSION } from "./version";
import { artifactVqlChecker } from "./vql/artifact-checker";
import { startQueries } from "./vql/runner";
import { followAccessChanges } from "./ws/access-changes";
import type { IsolationConfig } from "./vql/isolation/config";
import { authorizeAlertTopics } from "./ws/alert-topics";
import { followArtifactEvents } from "./ws/artifact-topics";
import { followEventTopics } from "./ws/event-topics";
import { authorizeHuntTopics, followHuntEvents } from "./ws/hunt-topics";
import { endpointTopics, followClientEvents } from "./ws/endpoint-topics";
import { createUiHub } from "./ws/ui-hub";

export interface EngineOptions {
  dataDir?: string;
  databaseUrl?: string;
  adminPassword?: string;
  /** Use an in-memory embedded database (tests). */
  memory?: boolean;
  log?: Logger;
  clock?: Clock;
  /** An already open database (tests run the engine on each test database target). */
  database?: Database;
  /** Artifact definitions for collections (tests; otherwise the artifact repository's CLIENT artifacts). */
  artifactSource?: ArtifactSource;
  /** Interrogations started per second at most (default 100; 0 disables). */
  interrogationsPerSecond?: number;
  /** Agent heartbeat interval (tests shorten it). */
  agentHeartbeatMs?: number;
  /** Server-side flow deadlines (defaults: 5 min grace, 7 days waiting, checked every minute). */
  flowExpiry?: FlowExpiryOptions;
  /** How often the hunt manager starts pending clients and checks expiry (default 1 s; TALON_HUNT_TICK_MS). */
  huntTickMs?: number;
  /** How often this process checks its leases and the other processes (default 1 s). */
  clusterTickMs?: number;
  /** Caps on agent sockets that have not said hello (TALON_AGENT_UNAUTHENTICATED_MAX, _PER_ADDRESS). */
  agentUnauthenticated?: Partial<AdmissionLimits>;
  /** How long an agent socket may take to send its hello (TALON_AGENT_HELLO_TIMEOUT_MS; default 5 s). */
  agentHelloTimeoutMs?: number;
  /** Query workers and size caps (default: from the environment; see docs/query-isolation.md). */
  queryIsolation?: IsolationConfig;
}

/** The engine, and what only the process itself and its tests reach (not part of Engine). */
export interface StartedEngine extends Engine {
  internals: { ingress: AgentIngress; unauthenticatedAgents(): number };
}

export async function createEngine(opts: EngineOptions = {}): Promise<StartedEngine> {
  // The memory ring and query log the developer builtins read (profile(), logging(), trace()).
  const logRing = new LogRing();
  const queryLog = new QueryLog();
  const log = withRing(opts.log ?? createLogger(), logRing);
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
  const signal = controller.signal;

  // The cluster seam: this process among the others on the database (used with one, too).
  const node = await startClusterNode({ database, clock, log }, { tickMs: opts.clusterTickMs ?? envNumber("TALON_CLUSTER_TICK_MS"), version: TALON_VERSION });
  const bus = await startBus({ database, node, clock, log });
  const leases = node.leases;
  const ids = createIdSource(() => node.slot(), () => clock.now().getTime());
  const deps: ServiceDeps = { database, config, clock, log, ids };
  const journal = await startJournal({ ...deps, leases, retention: retentionFromEnv(log) }, signal);

  const audit = startAudit(deps);
  const accounts = startAccounts({ ...deps, audit, bus, journal, commonPasswords: COMMON_PASSWORDS }, signal);
  // An open browser socket's principal now, from its upgrade request's cookie or API key.
  const reauthenticate: Reauthenticate = (req, o) => authenticate(req, { resolveSession: (t) => accounts.resolveSession(t, o), resolveApiKey: (k) => accounts.resolveApiKey(k) });
  const ui = createUiHub({ log, version: TALON_VERSION, bus, reauthenticate });
  const live = endpointTopics(ui);
  followClientEvents({ journal, ui, log }, signal);
  followArtifactEvents({ journal, ui, log }, signal);
  followEventTopics({ journal, ui, log }, signal);
  authorizeAlertTopics(ui);
  authorizeHuntTopics(ui);
  followHuntEvents({ journal, ui, log, huntsOfFlows: (flowIds) => queries.huntIdsOfFlows(database.db, flowIds) }, signal);
  const artifacts = await startArtifacts({ ...deps, audit, journal, vqlChecker: artifactVqlChecker() }, signal);

  const presence = createPresence({ database, node, clock, log, live }, signal);
  const clients = startClients({ ...deps, audit, journal, presence, nodeId: node.nodeId }, signal);
  const tools = startTools({ ...deps, audit, artifacts, journal, publicUrl: process.env.TALON_PUBLIC_URL || undefined }, signal);
  const flows = startFlows(
    { ...deps, audit, journal, presence, leases, artifacts: opts.artifactSource ?? repositorySource(artifacts), clients, live, tools, expiry: opts.flowExpiry ?? flowExpiryFromEnv() },
    signal,
  );
  const alerts = startAlerts({ ...deps, audit, accounts, journal, flows, ui }, signal);
  const monitoring = startMonitoring({ ...deps, audit, journal, artifacts, accounts, presence }, signal);
  const secrets = startSecrets({ ...deps, audit });
  const favorites = startFavorites({ ...deps, audit });
  const userOptions = startUserOptions({ ...deps, audit });
  const timelines = startTimelines({ ...deps, audit });
  const userMessages = startUserMessages({ ...deps, ui });
  const cryptoFiles = await startCryptoFiles(deps);
  const limits = startLimits({ ...deps, audit, bus, node }, signal);
  for (const p of policyFromEnv().problems) log.warn(`TALON_HTTP_CLIENT_ALLOW: ${p}; ignored`);
  // Hunts run server-side conditions through the query service, which is built after them (its
  // builtins call hunts): the closure reads it at run time.
  const hunts = startHunts({ ...deps, audit, journal, leases, flows, clients, presence, runQuery: (source, o) => queryService.run(source, o), tickMs: opts.huntTickMs ?? envNumber("TALON_HUNT_TICK_MS") }, signal);
  const downloads = startDownloads({ clock, log, audit, flows, hunts }, signal);
  const fileStore = startFileStore({ ...deps, audit, downloads });
  const vfs = startVfs({ ...deps, flows, journal }, signal);
  const queryService = startQueries({ artifacts, journal, audit, clock, services: { artifacts, clients, flows, hunts, monitoring, journal, alerts, secrets, accounts, favorites, fileStore, userOptions, tools, timelines, userMessages, cryptoFiles, diagnostics: serverDiagnostics(logRing, queryLog) }, queryLog, isolation: opts.queryIsolation, dataDir: config.dataDir, principalFor: (u) => accounts.principalFor(u) }, signal);
  startServerEvents({ ...deps, journal, leases, artifacts, accounts, queries: queryService, nodeId: node.nodeId }, signal);
  const backtest = startBacktest({ ...deps, artifacts, journal, queries: queryService, limits });
  const notebooks = await startNotebooks({
    ...deps,
    audit,
    ui,
    node,
    bus,
    leases,
    journal,
    reauthenticate,
    limits,
    templatesDir: fileURLToPath(new URL("../../notebooks", import.meta.url)),
    runQuery: (source, o) => queryService.run(source, o),
    saveArtifact: async (actor, yaml) => ({ name: (await artifacts.set(actor, yaml)).name }),
  }, signal);
  // Access changes (sharing, role, disable, sign-out, password) reach this process's open sockets.
  followAccessChanges({ journal, ui, collab: notebooks.collab, log }, signal);
  const interrogation = startInterrogation({ ...deps, clients, flows, journal, leases, perSecond: opts.interrogationsPerSecond ?? envNumber("TALON_INTERROGATIONS_PER_SECOND") }, signal);
  const ingress: AgentIngress = { ...clients.ingress, ...flows.ingress, ...monitoring.ingress };
  const agentRoute = createAgentGateway({
    presence,
    ingress,
    log,
    serverVersion: TALON_VERSION,
    serverPublicKey: cryptoFiles.publicKey,
    heartbeatMs: opts.agentHeartbeatMs,
    unauthenticated: {
      max: opts.agentUnauthenticated?.max ?? envNumber("TALON_AGENT_UNAUTHENTICATED_MAX"),
      perAddress: opts.agentUnauthenticated?.perAddress ?? envNumber("TALON_AGENT_UNAUTHENTICATED_PER_ADDRESS"),
      capLoopback: opts.agentUnauthenticated?.capLoopback ?? process.env.TALON_AGENT_UNAUTHENTICATED_CAP_LOOPBACK === "1",
    },
    limits: { helloTimeoutMs: opts.agentHelloTimeoutMs ?? envNumber("TALON_AGENT_HELLO_TIMEOUT_MS") },
    signal,
  });
  const started = Date.now();
  let closing: Promise<void> | undefined;

  return {
    config,
    log,
    audit,
    monitoring,
    backtest,
    alerts,
    accounts,
    secrets,
    favorites,
    userOptions,
    timelines,
    userMessages,
    cryptoFiles,
    limits,
    notebooks,
    artifacts,
    queries: queryService,
    clients,
    flows,
    journal,
    interrogation,
    hunts,
    downloads,
    fileStore,
    tools,
    vfs,
    agents: presence,
    cluster: node,
    api: { queryLines, query: (p, r, s) => runApiQuery({ queries: queryService, limits, notebooks }, p, r, s) },
    ui,
    wsRoutes: [ui.route, notebooks.collabRoute, agentRoute],
    signal,
    internals: { ingress, unauthenticatedAgents: () => agentRoute.admission.count() },
    async health() {
      const uptimeSeconds = Math.round((Date.now() - started) / 1000);
      const cluster = { nodeId: node.nodeId, processes: node.liveNodeIds().length };
      try {
        const server = await queries.pingDatabase(database.db);
        return { ok: true, version: TALON_VERSION, database: { kind: database.kind, ok: true, server }, cluster, uptimeSeconds };
      } catch (err) {
        return { ok: false, version: TALON_VERSION, database: { kind: database.kind, ok: false, error: (err as Error).message }, cluster, uptimeSeconds };
      }
    },
    close() {
      closing ??= (async () => {
        // Running cells store their state and open documents are saved while the database is open.
        await notebooks.stop().catch((err) => log.error("notebooks stop failed", { error: (err as Error).message }));
        controller.abort(new Error("engine closing"));
        await flows.drain().catch(() => {});
        await clients.flushTouches().catch(() => {});
        await presence.stop().catch(() => {});
        await journal.stop().catch(() => {});
        await bus.stop().catch(() => {});
        await node.stop().catch(() => {});
        await database.close();
      })();
      return closing;
    },
  };
}

/** TALON_FLOW_GRACE_SECONDS and TALON_WAITING_FLOW_EXPIRY_HOURS (unset: the defaults). */
function flowExpiryFromEnv() {
  const grace = envNumber("TALON_FLOW_GRACE_SECONDS");
  const waiting = envNumber("TALON_WAITING_FLOW_EXPIRY_HOURS");
  return { graceMs: grace === undefined ? undefined : grace * 1000, waitingMs: waiting === undefined ? undefined : waiting * 3600_000 };
}

/** TALON_EVENT_RETENTION_DAYS (default 30) and TALON_EVENT_RETENTION (`Queue=days,...`). */
function retentionFromEnv(log: Logger) {
  const { perQueue, problems } = parseRetention(process.env.TALON_EVENT_RETENTION);
  for (const p of problems) log.warn(`TALON_EVENT_RETENTION: ${p}; ignored`);
  return { defaultDays: envNumber("TALON_EVENT_RETENTION_DAYS"), perQueue };
}

function envNumber(name: string): number | undefined {
  const v = process.env[name];
  return v === undefined || v === "" || !Number.isFinite(Number(v)) ? undefined : Number(v);
}
