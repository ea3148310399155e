// Runs VQL on the server as a principal: the portable builtins plus every server builtin, the
// principal's permissions checked at each builtin, `Artifact.X()` plugins resolved through the
// artifact repository, and the run tied to the engine's lifetime (shutdown cancels it). Built
// before the services that run VQL (notebooks, later event tables and hunts); the services its
// builtins call are handed to it here, the notebooks service with each run. Alerts the query
// raises are appended to `Server.Internal.Alerts` here, the one place every server query passes;
// permission denials are audited here too (denial-audit.ts, rate-limited).
// Runs go to a pool of worker threads (isolation/, docs/query-isolation.md) so that a runaway
// query ends its own worker and never stalls the server; runs with builtins given as functions
// (backtests' recorders and replays) cannot cross a thread and run here, on the main thread.
import { ON_ENDPOINTS } from "./endpoint-builtins";
import type { QueryLog } from "@/engine/endpoint/diagnostics/query-log";
import { configValue, createRegistry, portableBuiltins, runVql, setValueLimits, toJsonText, type Builtin, type VqlEvent } from "@/engine/vql";
import { serverBuiltins } from "../plugins";
import { TALON_VERSION } from "../version";
import { reachesImpersonation, serverImpersonator } from "./impersonation";
import { serverEndpointSystem, withEndpointBuiltins } from "../plugins/endpoint";
import type { ServerVqlHost } from "../plugins/host";
import { createDenialAudit } from "./denial-audit";
import { isolationFromEnv, type IsolationConfig } from "./isolation/config";
import { QueryWorkerPool } from "./isolation/pool";
import type { ArtifactSnapshot } from "./isolation/protocol";
import { runInWorker } from "./isolation/session";
import {
  ALERTS_QUEUE,
  ServiceError,
  type AlertRow,
  type ArtifactsService,
  type AuditService,
  type Clock,
  type Journal,
  type Principal,
  type QueryService,
  type RunAsOptions,
  type ServerVqlEvent,
  type VqlServices,
} from "@/engine/server/contracts";

export type { QueryService, RunAsOptions };

export interface QueriesDeps {
  artifacts: Pick<ArtifactsService, "pluginFor" | "all" | "get">;
  services: VqlServices;
  /** Where raised alerts go. */
  journal: Pick<Journal, "append">;
  /** Where permission denials are recorded (VqlPermissionDenied); none in tests that do not care. */
  audit?: Pick<AuditService, "record">;
  clock?: Clock;
  /** Worker pool and size caps (default: from the environment, isolationFromEnv()). */
  isolation?: IsolationConfig;
  /** A user as a principal (accounts.principalFor): artifacts with `impersonate` run as that user. */
  principalFor?: (username: string) => Promise<Principal | undefined>;
  /** The URLs agents reach this server at (`config.server_urls`). */
  serverUrls?: readonly string[];
  /** The server's data directory: builtins over the server's host never read it (plugins/endpoint.ts). */
  dataDir?: string;
  /** Where each run's query text is recorded while it runs (profile(queries=TRUE)). */
  queryLog?: Pick<QueryLog, "begin">;
}

export function startQueries(deps: QueriesDeps, signal: AbortSignal): QueryService {
  const iso = deps.isolation ?? isolationFromEnv();
  // The caps hold on this thread too (runs that stay here) and in every worker.
  setValueLimits(iso.limits, iso.hints);
  const pool =
    iso.workers > 0
      ? new QueryWorkerPool({ size: iso.workers, max: Math.max(iso.workers, iso.maxWorkers), heapMb: iso.heapMb, retireHeapBytes: iso.retireHeapMb * 1024 * 1024, data: { limits: iso.limits, hints: iso.hints, dataDir: deps.dataDir } })
      : undefined;
  if (pool) {
    signal.addEventListener("abort", () => void pool.close(), { once: true });
    // Workers take a second or two to start (the engine through tsx): start the pool now.
    setImmediate(() => (signal.aborted ? undefined : pool.warm()));
  }
  const snapshot = artifactSnapshots(deps.artifacts);
  const all = withEndpointBuiltins([...portableBuiltins, ...serverBuiltins]);
  const system = serverEndpointSystem({ dataDir: deps.dataDir });
  const registry = createRegistry(all, { elsewhere: ON_ENDPOINTS });
  const withOverrides = (overrides: readonly Builtin[]) => {
    const names = new Set(overrides.map((b) => `${b.kind}:${b.name}`));
    return createRegistry([...all.filter((b) => !names.has(`${b.kind}:${b.name}`)), ...overrides], { elsewhere: ON_ENDPOINTS });
  };

  const denials = deps.audit ? createDenialAudit(deps.audit, deps.clock ?? { now: () => new Date() }) : undefined;

  async function* routeAlerts(events: AsyncIterable<VqlEvent>, opts: RunAsOptions, source: string): AsyncGenerator<ServerVqlEvent> {
    const ended = deps.queryLog?.begin(source);
    try {
      yield* alertsRouted(events, opts);
    } finally {
      ended?.();
    }
  }

  async function* alertsRouted(events: AsyncIterable<VqlEvent>, opts: RunAsOptions): AsyncGenerator<ServerVqlEvent> {
    for await (const e of events) {
      if (e.kind !== "alert") {
        if (e.kind === "log" && e.denied && denials) await denials.note(opts.principal, e.denied, opts.origin);
        yield e;
        continue;
      }
      const o = opts.origin ?? {};
      const row: AlertRow = {
        client_id: e.clientId ?? o.clientId ?? "server",
        name: e.name,
        timestamp: new Date(e.time).toISOString(),
        event_data: e.eventData,
        artifact: o.artifact ?? "",
        artifact_type: o.artifactType ?? (o.notebookId ? "NOTEBOOK" : "QUERY"),
        flow_id: o.flowId ?? "",
        severity: e.severity as AlertRow["severity"],
        raised_by: opts.principal.username,
        _ts: Date.now() / 1000,
      };
      if (o.notebookId) row.notebook_id = o.notebookId;
      if (o.cellId) row.cell_id = o.cellId;
      try {
        await deps.journal.append(ALERTS_QUEUE, [row as unknown as Record<string, unknown>]);
        yield { kind: "log", level: "INFO", message: `Alert ${e.name}: ${toJsonText(e.eventData)}`, time: e.time };
      } catch (err) {
        yield { kind: "log", level: "ERROR", message: `alert ${e.name} could not be stored: ${(err as Error).message}`, time: e.time };
      }
    }
  }

  const impersonator = deps.principalFor ? serverImpersonator(deps.principalFor) : undefined;
  // Velociraptor's server queries see the server's client config as `config` too.
  const serverConfig = configValue({ name: "talon", version: TALON_VERSION, serverUrls: deps.serverUrls ?? [] });
  let warming: Promise<void> | undefined;
  return {
    registry,
    warmed() {
      if (!pool) return Promise.resolve();
      // The pool is warmed on the next turn (above): wait for that turn, then for its workers.
      warming ??= new Promise<void>((r) => setImmediate(r)).then(() => pool.warmed());
      return warming;
    },
    run(source, opts) {
      const env = { config: serverConfig, ...opts.env };
      if (opts.adhoc !== false && !opts.principal.permissions.has("ANY_QUERY")) {
        throw new ServiceError("forbidden", "running VQL needs the ANY_QUERY permission");
      }
      const services = opts.notebooks ? { ...deps.services, notebooks: opts.notebooks } : deps.services;
      const runSignal = opts.signal ? AbortSignal.any([opts.signal, signal]) : signal;
      // A query reaching an artifact that impersonates its user runs on this thread (impersonation.ts).
      if (pool && !opts.overrides?.length && !opts.resolvePlugin && !(impersonator && reachesImpersonation(source, (n) => deps.artifacts.get(n, { exact: true })))) {
        const events = runInWorker(pool, {
          source,
          principal: opts.principal,
          services,
          env,
          signal: runSignal,
          timeoutMs: opts.timeoutMs,
          maxRows: opts.maxRows,
          artifacts: snapshot,
          graceMs: iso.graceMs,
          heapMb: iso.heapMb,
        });
        return routeAlerts(events, opts, source);
      }
      const host: ServerVqlHost = { principal: opts.principal, services, system, diagnostics: services.diagnostics };
      const events = runVql(source, {
        registry: opts.overrides?.length ? withOverrides(opts.overrides) : registry,
        env,
        signal: runSignal,
        timeoutMs: opts.timeoutMs,
        maxRows: opts.maxRows,
        permissions: opts.principal.permissions,
        host,
        resolvePlugin: (name: string) => opts.resolvePlugin?.(name) ?? deps.artifacts.pluginFor(name, opts.principal, impersonator),
      });
      return routeAlerts(events, opts, source);
    },
  };
}

/**
 * The repository as a worker needs it, rebuilt only when an artifact changed (all() returns the
 * same objects until then): the version tells a worker whether its copy is current.
 */
function artifactSnapshots(artifacts: Pick<ArtifactsService, "all" | "get">): () => ArtifactSnapshot {
  let last: ArtifactSnapshot = { version: 0, artifacts: [], resolved: {} };
  let lastList: readonly unknown[] = [];
  return () => {
    const list = artifacts.all();
    if (list.length === lastList.length && list.every((a, i) => a === lastList[i])) return last;
    const resolved: Record<string, string> = {};
    for (const a of list) {
      const to = artifacts.get(a.name)?.name;
      if (to && to !== a.name) resolved[a.name] = to;
    }
    lastList = list;
    last = { version: last.version + 1, artifacts: list, resolved };
    return last;
  };
}
