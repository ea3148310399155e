// Filling the cache from completed flows: the handler of the durable consumer `vfs` of
// System.Flow.Completion. A FINISHED System.VFS.ListDirectory flow's rows are read in pages
// inside the consumer's transaction and written as entries per directory; the directories it
// listed (its Path, and for Depth > 0 every directory found above that depth) then drop what an
// older listing left and record the time. A FINISHED System.VFS.DownloadFile flow records the
// file's size and SHA-256. All of it commits with the consumer's cursor: exactly once, whichever
// process runs the consumer.
import { queries, type Db, type VfsEntryInput } from "@/drizzle";
import { VFS_DOWNLOAD_ARTIFACT, VFS_LIST_ARTIFACT, type FlowsService, type JournalEvent, type Principal } from "@/engine/server/contracts";
import { baseName, depthBelow, normalizePath, parentOf } from "./paths";

/** Rows read from a flow per page (the flows service's largest page). */
export const INGEST_PAGE = 5_000;

interface CompletedFlow {
  clientId: string;
  flowId: string;
  artifacts: string[];
  params: (artifact: string) => Record<string, unknown>;
  finishedAt: Date;
}

function completed(e: JournalEvent, now: Date): CompletedFlow | undefined {
  const flow = (e.payload.Flow ?? {}) as {
    state?: string;
    finish_time?: number;
    request?: { artifacts?: string[]; specs?: Array<{ artifact?: string; parameters?: { env?: Array<{ key?: string; value?: unknown }> } }> };
  };
  if (flow.state !== "FINISHED") return undefined;
  const artifacts = flow.request?.artifacts ?? [];
  if (!artifacts.includes(VFS_LIST_ARTIFACT) && !artifacts.includes(VFS_DOWNLOAD_ARTIFACT)) return undefined;
  const specs = flow.request?.specs ?? [];
  return {
    clientId: String(e.payload.ClientId ?? e.clientId),
    flowId: String(e.payload.FlowId),
    artifacts,
    params: (artifact) => Object.fromEntries((specs.find((s) => s.artifact === artifact)?.parameters?.env ?? []).map((kv) => [String(kv.key), kv.value])),
    finishedAt: flow.finish_time ? new Date(flow.finish_time / 1000) : now,
  };
}

/** A time column of a row as ISO text, or null (the agent sends ISO strings; epochs are seconds). */
function isoTime(v: unknown): string | null {
  if (v === null || v === undefined || v === "") return null;
  const d = typeof v === "number" ? new Date(v * 1000) : new Date(String(v));
  return Number.isNaN(d.getTime()) || d.getTime() <= 0 ? null : d.toISOString();
}

/** One ListDirectory row as a cache entry, or undefined for a row without a path. */
export function entryOf(row: Record<string, unknown>): VfsEntryInput | undefined {
  const osPath = typeof row.OSPath === "string" ? row.OSPath : typeof row.FullPath === "string" ? row.FullPath : "";
  if (!osPath) return undefined;
  const path = normalizePath(osPath);
  return {
    dirPath: parentOf(path),
    name: typeof row.Name === "string" && row.Name ? row.Name : baseName(path),
    osPath: path,
    isDir: row.IsDir === true,
    isLink: row.IsLink === true,
    size: Number.isFinite(Number(row.Size)) ? Math.trunc(Number(row.Size)) : 0,
    mode: typeof row.Mode === "string" ? row.Mode : String(row.Mode ?? ""),
    mtime: isoTime(row.Mtime),
    atime: isoTime(row.Atime),
    ctime: isoTime(row.Ctime),
    btime: isoTime(row.Btime),
  };
}

export interface IngestDeps {
  flows: Pick<FlowsService, "results">;
  system: Principal;
  now(): Date;
}

async function ingestListing(deps: IngestDeps, f: CompletedFlow, tx: Db): Promise<void> {
  const params = f.params(VFS_LIST_ARTIFACT);
  const root = normalizePath(String(params.Path ?? "/"));
  const depth = Math.max(0, Math.trunc(Number(params.Depth ?? 0)) || 0);
  const dirs = new Set<string>([root]);
  for (let offset = 0; ; offset += INGEST_PAGE) {
    const page = await deps.flows.results(deps.system, { clientId: f.clientId, flowId: f.flowId, artifact: VFS_LIST_ARTIFACT, offset, limit: INGEST_PAGE, tx });
    const entries: VfsEntryInput[] = [];
    for (const row of page.rows) {
      const e = entryOf(row);
      if (!e) continue;
      entries.push(e);
      dirs.add(e.dirPath);
      if (e.isDir && !e.isLink && depthBelow(e.osPath, root) <= depth) dirs.add(e.osPath);
    }
    await queries.upsertVfsEntries(tx, { clientId: f.clientId, flowId: f.flowId, entries });
    if (page.rows.length < INGEST_PAGE) break;
  }
  await queries.finishVfsListing(tx, { clientId: f.clientId, flowId: f.flowId, listedAt: f.finishedAt, dirs: [...dirs] });
}

async function ingestDownload(deps: IngestDeps, f: CompletedFlow, tx: Db) {
  const page = await deps.flows.results(deps.system, { clientId: f.clientId, flowId: f.flowId, artifact: VFS_DOWNLOAD_ARTIFACT, limit: 10, tx });
  const out: Array<{ clientId: string; path: string; flowId: string; size: number; sha256: string; downloadedAt: Date }> = [];
  for (const row of page.rows) {
    const upload = (row.Upload ?? null) as { Size?: unknown; sha256?: unknown } | null;
    if (!upload || typeof upload.sha256 !== "string" || !upload.sha256) continue;
    const path = normalizePath(String(row.OSPath ?? f.params(VFS_DOWNLOAD_ARTIFACT).Path ?? ""));
    out.push({ clientId: f.clientId, path, flowId: f.flowId, size: Number(upload.Size ?? row.Size ?? 0) || 0, sha256: upload.sha256, downloadedAt: f.finishedAt });
  }
  return out;
}

/** The consumer's handler: one batch of completions, written through `tx`. */
export async function ingestCompletions(deps: IngestDeps, events: JournalEvent[], tx: Db): Promise<void> {
  const downloads = new Map<string, Awaited<ReturnType<typeof ingestDownload>>[number]>();
  for (const e of events) {
    const f = completed(e, deps.now());
    if (!f) continue;
    if (f.artifacts.includes(VFS_LIST_ARTIFACT)) await ingestListing(deps, f, tx);
    if (f.artifacts.includes(VFS_DOWNLOAD_ARTIFACT)) for (const d of await ingestDownload(deps, f, tx)) downloads.set(`${d.clientId}\u0000${d.path}`, d);
  }
  await queries.upsertVfsDownloads(tx, [...downloads.values()]);
}
