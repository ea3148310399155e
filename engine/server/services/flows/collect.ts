// collect(): resolves the artifacts, checks permissions (required and implied ones, and
// COLLECT_SERVER for the server's own host: auth/collect-permissions.ts), compiles their sources with parameter
// values into the request the agent runs, stores the flow (WAITING) and then sends it to the
// client's agent, wherever it is connected (stored first: an agent connecting meanwhile finds
// it when its work is reconciled).
import { queries } from "@/drizzle";
import { parseClientId } from "@/engine/protocol";
import { requirePermission, ServiceError, type ArtifactDefinition, type ArtifactSource, type CollectRequest, type Principal, type ServiceDeps, type ToolsService } from "@/engine/server/contracts";
import { artifactPermissionProblem, serverHostProblem } from "@/engine/server/auth/collect-permissions";
import type { StoredRequest } from "./request";

export const DEFAULT_TIMEOUT_SEC = 600;
export const DEFAULT_MAX_ROWS = 1_000_000;
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** Source result names: `Artifact` for one unnamed source, else `Artifact/Source` (or `/N`). */
export function compileArtifact(def: ArtifactDefinition, env: Record<string, unknown>): StoredRequest["compiled"][number] {
  const unnamed = def.sources.filter((s) => !s.name).length;
  return {
    name: def.name,
    env,
    sources: def.sources.map((s, i) => {
      const name = s.name ? `${def.name}/${s.name}` : unnamed === 1 && def.sources.length === 1 ? def.name : `${def.name}/${i}`;
      const precondition = s.precondition ?? def.precondition;
      return precondition ? { name, precondition, query: s.query } : { name, query: s.query };
    }),
  };
}

/** The caller's values for one artifact: `{Artifact: {...}}` per artifact, or one flat object for all. */
export function givenFor(def: ArtifactDefinition, given: Record<string, unknown> | undefined, names: string[]): Record<string, unknown> {
  if (!given) return {};
  const perArtifact = names.some((n) => given[n] && typeof given[n] === "object" && !Array.isArray(given[n]));
  return perArtifact ? ((given[def.name] as Record<string, unknown> | undefined) ?? {}) : given;
}

/** Parameter values for one artifact: the repository's typed resolution, else defaults then given values. */
export function parametersFor(source: ArtifactSource | undefined, def: ArtifactDefinition, given: Record<string, unknown>, warn?: (message: string) => void): Record<string, unknown> {
  if (source?.resolveParameters) {
    const r = source.resolveParameters(def.name, given);
    if (!r.ok) throw new ServiceError("bad_request", r.error);
    for (const w of r.warnings ?? []) warn?.(w);
    return r.env;
  }
  const out: Record<string, unknown> = {};
  for (const p of def.parameters) if (p.default !== undefined) out[p.name] = p.default;
  for (const [k, v] of Object.entries(given)) out[k] = v;
  return out;
}

export async function resolveArtifacts(source: ArtifactSource, names: string[], actor: Principal): Promise<ArtifactDefinition[]> {
  if (!names.length) throw new ServiceError("bad_request", "name at least one artifact to collect");
  const defs: ArtifactDefinition[] = [];
  for (const name of names) {
    const def = await source.get(String(name));
    if (!def) throw new ServiceError("not_found", `no artifact named ${name}`);
    const type = (def.type || "CLIENT").toUpperCase();
    if (type !== "CLIENT") throw new ServiceError("bad_request", `${def.name} is a ${type} artifact; only CLIENT artifacts are collected from clients`);
    if (!def.sources.length) throw new ServiceError("bad_request", `${def.name} has no sources`);
    const problem = artifactPermissionProblem(actor.permissions, def);
    if (problem) throw new ServiceError("forbidden", problem);
    defs.push(def);
  }
  return defs;
}

export function startCollect(
  deps: ServiceDeps,
  p: { artifacts: ArtifactSource; tools?: Pick<ToolsService, "collectionEnv">; serverHostIds(clientIds: string[]): Promise<Set<string>>; dispatch(flows: Array<{ flowId: string; clientId: string }>, req: StoredRequest): Promise<void>; changed(clientId: string, flowId: string): void },
) {
  const { db } = deps.database;

  /** Refuses the server's own hosts to an actor without COLLECT_SERVER. */
  async function checkTargets(actor: Principal, clientIds: string[]) {
    const problem = serverHostProblem(actor.permissions, await p.serverHostIds(clientIds));
    if (problem) throw new ServiceError("forbidden", problem);
  }

  /** Velociraptor's launcher (EnsureToolsDeclared, AddToolDependency): the Tool_<name>_* variables of the tools the artifact (or one it calls) declares. */
  async function toolEnvFor(def: ArtifactDefinition): Promise<Record<string, string>> {
    if (!def.tools?.length) return {};
    if (!p.tools) throw new ServiceError("bad_request", `${def.name} declares tools, and this server has no tool inventory`);
    return p.tools.collectionEnv(def.tools);
  }

  /** Checks permissions and compiles what the agent will run. */
  async function prepare(actor: Principal, r: Omit<CollectRequest, "clientId">): Promise<StoredRequest> {
    requirePermission(actor, "COLLECT_CLIENT");
    const names = [...new Set((r.artifacts ?? []).map(String))];
    const defs = await resolveArtifacts(p.artifacts, names, actor);
    const parameters: StoredRequest["parameters"] = {};
    const requestTimeout = r.timeoutSec && r.timeoutSec > 0 ? r.timeoutSec : undefined;
    const toolEnvs = await Promise.all(defs.map((def) => toolEnvFor(def)));
    const compiled = defs.map((def, i) => {
      const env = parametersFor(p.artifacts, def, givenFor(def, r.parameters, names), (w) => deps.log.warn(w, { artifact: def.name }));
      parameters[def.name] = env;
      // The tools' variables go to the agent beside the parameters (not shown as parameters).
      const c = compileArtifact(def, { ...env, ...toolEnvs[i] });
      // Velociraptor's launcher (services/launcher/launcher.go CompileCollectorArgs): an
      // artifact's resources.timeout is its queries' timeout unless the request sets one.
      const own = def.resources?.timeout;
      return !requestTimeout && own ? { ...c, timeoutMs: Math.max(1, Math.round(own * 1000)) } : c;
    });
    // The collection's own timeout (what the flow shows, and what "Copy collection" copies):
    // the longest its artifacts run with, each its own resources.timeout or the default.
    const timeoutSec = requestTimeout ?? (Math.max(...defs.map((d) => d.resources?.timeout || DEFAULT_TIMEOUT_SEC), 0) || DEFAULT_TIMEOUT_SEC);
    // Collection-wide limits the request leaves unset default to the largest of the artifacts'.
    const largest = (k: "maxRows" | "maxUploadBytes") => Math.max(0, ...defs.map((d) => d.resources?.[k] ?? 0));
    const definitions = p.artifacts.called?.(compiled.flatMap((c) => c.sources.flatMap((s) => [s.query, s.precondition ?? ""]))) ?? [];
    return {
      ...(definitions.length ? { definitions } : {}),
      artifacts: defs.map((d) => d.name),
      parameters,
      compiled,
      timeoutMs: Math.max(1, Math.round(timeoutSec * 1000)),
      maxRows: r.maxRows && r.maxRows > 0 ? Math.trunc(r.maxRows) : largest("maxRows") || DEFAULT_MAX_ROWS,
      maxUploadBytes: r.maxUploadBytes !== undefined && r.maxUploadBytes >= 0 ? Math.trunc(r.maxUploadBytes) : largest("maxUploadBytes") || DEFAULT_MAX_UPLOAD_BYTES,
      permissions: [...actor.permissions],
      creator: r.creator || actor.username,
      ...(r.urgent ? { urgent: true } : {}),
    };
  }

  /** Stores one WAITING flow per client in one statement and sends each to its agent if online. */
  async function createFor(clientIds: string[], req: StoredRequest, given?: Array<{ flowId: string; clientId: string }>): Promise<Array<{ flowId: string; clientId: string; createdAt: Date }>> {
    const at = deps.clock.now();
    const flows = given ?? clientIds.map((clientId) => ({ flowId: deps.ids.flowId() as string, clientId }));
    await queries.createFlows(db, { flows, creator: req.creator, request: req as unknown as Record<string, unknown>, at });
    await p.dispatch(flows, req).catch((err) => deps.log.warn("could not send new flows to agents now; they get them when they next connect", { flows: flows.length, error: (err as Error).message }));
    for (const f of flows) p.changed(f.clientId, f.flowId);
    return flows.map((f) => ({ ...f, createdAt: at }));
  }

  /** One ad-hoc query as a one-source request (a hunt's client condition). */
  function prepareQuery(actor: Principal, q: { name: string; query: string; timeoutSec?: number; maxRows?: number; creator?: string }): StoredRequest {
    requirePermission(actor, "COLLECT_CLIENT");
    requirePermission(actor, "ANY_QUERY");
    if (!q.query.trim()) throw new ServiceError("bad_request", "the client query is empty");
    return {
      artifacts: [q.name],
      parameters: { [q.name]: {} },
      compiled: [{ name: q.name, env: {}, sources: [{ name: q.name, query: q.query }] }],
      timeoutMs: Math.max(1, Math.round((q.timeoutSec && q.timeoutSec > 0 ? q.timeoutSec : 60) * 1000)),
      maxRows: q.maxRows && q.maxRows > 0 ? Math.trunc(q.maxRows) : 1000,
      maxUploadBytes: 0,
      permissions: [...actor.permissions],
      creator: q.creator || actor.username,
    };
  }

  return {
    prepare,
    prepareQuery,
    /** Hunt flows: the given ids (stored ones are skipped by createFlows), a request compiled earlier. */
    createCompiled: (req: StoredRequest, flows: Array<{ flowId: string; clientId: string }>) => createFor([], req, flows),
    async collect(actor: Principal, r: CollectRequest) {
      requirePermission(actor, "COLLECT_CLIENT");
      const clientId = parseClientId(r.clientId);
      if (!clientId) throw new ServiceError("bad_request", `\`${r.clientId}\` is not a client id (C. followed by 16 hex digits)`);
      if (!(await queries.getClient(db, clientId))) throw new ServiceError("not_found", `no client ${clientId}`);
      await checkTargets(actor, [clientId]);
      const req = await prepare(actor, r);
      const [flow] = await createFor([clientId], req);
      return flow!;
    },

    async collectMany(actor: Principal, r: Omit<CollectRequest, "clientId"> & { clientIds: string[] }) {
      requirePermission(actor, "COLLECT_CLIENT");
      const ids = [...new Set(r.clientIds.map((c) => parseClientId(c)).filter((c): c is NonNullable<typeof c> => Boolean(c)))];
      const existing = await queries.existingClientIds(db, ids);
      await checkTargets(actor, existing);
      const req = await prepare(actor, r);
      return createFor(existing, req);
    },
  };
}
