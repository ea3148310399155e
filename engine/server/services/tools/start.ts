// The tools service: the inventory's reads (list, get with probe), the admin's inventory_add
// (bytes hashed with sha256 and served locally), the launcher's collectionEnv (declares the
// artifacts' tools the inventory lacks, then the Tool_<name>_* variables), the download
// route's lookup by token, and (given the repository and the journal) the tools of every
// artifact loaded or set. Definitions live in the `tools` table; bytes in the same row.
import { createHash, randomBytes } from "node:crypto";
import { queries } from "@/drizzle";
import type { ToolRow } from "@/drizzle/queries";
import { artifactTools, type Artifact } from "@/engine/artifacts";
import {
  ARTIFACT_MODIFICATION_QUEUE,
  MAX_TOOL_BYTES,
  requirePermission,
  ServiceError,
  type ArtifactChangeEvent,
  type ArtifactsService,
  type AuditService,
  type DeclaredTool,
  type InventoryTool,
  type Journal,
  type ServiceDeps,
  type ToolsService,
} from "@/engine/server/contracts";
import { checkDeliverable, toolEnv } from "./deliver";
import { defaultFilename, pickVersion, toInventoryTool } from "./mapping";
import { addSchema, checkUrl, declaredSchema, getSchema, parse } from "./validate";

export interface ToolsDeps extends ServiceDeps {
  audit: Pick<AuditService, "record">;
  /** TALON_PUBLIC_URL: the server's URL as agents reach it, for absolute serve URLs. */
  publicUrl?: string;
  /** With `journal` and a signal: every artifact's tools are added at start and when it is set. */
  artifacts?: Pick<ArtifactsService, "all" | "get">;
  journal?: Pick<Journal, "subscribe">;
}

const newToken = () => randomBytes(32).toString("hex");

export function startTools(deps: ToolsDeps, signal?: AbortSignal): ToolsService {
  const { db } = deps.database;
  const view = (r: ToolRow) => toInventoryTool(r, deps.publicUrl);

  async function find(name: string, version: string | undefined): Promise<ToolRow | undefined> {
    return pickVersion(await queries.listTools(db, { name }), version);
  }

  /** Velociraptor's EnsureToolsDeclared: add what is missing; an artifact never replaces an admin's definition or one that says where the file is. */
  async function declare(t: DeclaredTool): Promise<void> {
    const version = t.version ?? "";
    const existing = (await queries.listTools(db, { name: t.name })).find((r) => r.version === version);
    if (existing && (existing.adminOverride || existing.url || existing.size !== null || existing.githubProject)) return;
    checkUrl(t.url);
    const wrote = await queries.declareTool(db, {
      name: t.name,
      version,
      url: t.url ?? "",
      githubProject: t.githubProject ?? "",
      githubAssetRegex: t.githubAssetRegex ?? "",
      serveLocally: t.serveLocally ?? false,
      adminOverride: false,
      expectedHash: t.expectedHash ?? "",
      hash: t.expectedHash ?? "",
      filename: t.filename || defaultFilename(t.name, t.url),
      artifact: t.artifact,
      token: existing?.token ?? newToken(),
      updatedAt: deps.clock.now(),
      updatedBy: "",
    });
    if (wrote && !existing) deps.log.info("tool added from an artifact", { tool: t.name, artifact: t.artifact });
  }

  /** The tools an artifact declares, added to the inventory (as Velociraptor's repository does when it loads one). */
  async function declareArtifact(a: Artifact): Promise<void> {
    const declared = artifactTools(a).map((t) => ({ ...t, artifact: a.name }));
    if (!declared.length) return;
    for (const t of parse(declaredSchema, declared, `tools of ${a.name}`)) await declare(t);
  }

  if (deps.artifacts && deps.journal && signal) followArtifacts(deps.artifacts, deps.journal, signal);

  /** Every loaded artifact's tools at start, then each artifact set or renamed (on any process). */
  function followArtifacts(artifacts: NonNullable<ToolsDeps["artifacts"]>, journal: NonNullable<ToolsDeps["journal"]>, signal: AbortSignal) {
    const warn = (name: string) => (err: unknown) => deps.log.warn("could not add an artifact's tools to the inventory", { artifact: name, error: (err as Error)?.message ?? String(err) });
    void (async () => {
      const changes = journal.subscribe(ARTIFACT_MODIFICATION_QUEUE, { signal });
      for (const a of artifacts.all()) await declareArtifact(a).catch(warn(a.name));
      for await (const e of changes) {
        const { artifact, op } = e.payload as unknown as ArtifactChangeEvent;
        if (op === "delete") continue;
        const a = artifacts.get(artifact, { exact: true });
        if (a) await declareArtifact(a).catch(warn(artifact));
      }
    })().catch((err) => {
      if (!signal.aborted) deps.log.error("the tools service stopped following artifact changes", { error: (err as Error)?.message ?? String(err) });
    });
  }

  return {
    async list() {
      return (await queries.listTools(db)).map(view);
    },

    async get(actor, p) {
      requirePermission(actor, "SERVER_ADMIN");
      const q = parse(getSchema, p, "inventory_get");
      const row = await find(q.tool, q.version);
      if (!row) throw new ServiceError("not_found", `tool ${q.tool}${q.version ? ` version ${q.version}` : ""} is not declared in the inventory`);
      const tool = view(row);
      if (!q.probe) checkDeliverable(tool);
      return tool;
    },

    async add(actor, p) {
      requirePermission(actor, "SERVER_ADMIN");
      const q = parse(addSchema, p, "inventory_add");
      checkUrl(q.url);
      const version = q.version ?? "";
      const existing = (await queries.listTools(db, { name: q.tool })).find((r) => r.version === version);
      const data = q.data;
      if (data && data.length > MAX_TOOL_BYTES) throw new ServiceError("bad_request", `inventory_add: a tool's file is at most ${MAX_TOOL_BYTES} bytes`);
      const hash = data ? createHash("sha256").update(data).digest("hex") : (q.hash ?? "");
      if (data && q.hash && q.hash !== hash) throw new ServiceError("bad_request", `inventory_add: the file's sha256 is ${hash}, not the hash given (${q.hash})`);
      const row = await queries.putTool(db, {
        name: q.tool,
        version,
        url: q.url ?? "",
        githubProject: "",
        githubAssetRegex: "",
        // Velociraptor: an uploaded file is always served locally.
        serveLocally: data ? true : (q.serveLocally ?? false),
        adminOverride: true,
        expectedHash: existing?.expectedHash ?? "",
        hash,
        filename: q.filename || defaultFilename(q.tool, q.url),
        // inventory_add() leaves it ""; the tools page passes the declaring artifact on (Velociraptor's GUI sends the tool it shows).
        artifact: q.artifact ?? "",
        token: existing?.token ?? newToken(),
        data: data ?? null,
        size: data ? data.length : null,
        updatedAt: deps.clock.now(),
        updatedBy: actor.username,
      });
      await deps.audit.record(actor, "inventory_add", { tool: q.tool, version, hash, served_locally: row.serveLocally, size: data?.length ?? null });
      return view(row);
    },

    async collectionEnv(tools) {
      const declared = parse(declaredSchema, tools, "tools");
      const env: Record<string, string> = {};
      for (const t of declared) {
        await declare(t);
        const row = await find(t.name, t.version);
        if (!row) throw new ServiceError("bad_request", `tool ${t.name} is not declared in the inventory`);
        const tool: InventoryTool = view(row);
        checkDeliverable(tool);
        Object.assign(env, toolEnv(tool));
      }
      return env;
    },

    async download(token) {
      if (!/^[0-9a-f]{64}$/.test(token)) return undefined;
      const row = await queries.getToolByToken(db, token);
      if (!row || !row.serveLocally || !row.data) return undefined;
      return { filename: row.filename, hash: row.hash, data: row.data };
    },
  };
}
