// Reading the file browser's cache: a directory's page of entries (the count is the one its
// listing recorded: no count over 100,000 rows per page), its subdirectories for the tree, one
// entry with its latest download, and how a listing or download flow is going.
import { queries, type VfsEntryRecord } from "@/drizzle";
import { parseClientId } from "@/engine/protocol";
import { requirePermission, ServiceError, VFS_DOWNLOAD_ARTIFACT, VFS_LIST_ARTIFACT, type FlowsService, type Principal, type ServiceDeps, type VfsEntry, type VfsService } from "@/engine/server/contracts";
import { baseName, normalizePath, parentOf } from "./paths";

export function clientIdOf(clientId: string): string {
  const c = parseClientId(clientId);
  if (!c) throw new ServiceError("bad_request", `\`${clientId}\` is not a client id`);
  return c as string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toEntry(r: VfsEntryRecord): VfsEntry {
  return { name: r.name, path: r.osPath, isDir: r.isDir, isLink: r.isLink, size: Number(r.size), mode: r.mode, mtime: iso(r.mtime), atime: iso(r.atime), ctime: iso(r.ctime), btime: iso(r.btime), flowId: r.flowId };
}

export function startVfsReads(deps: ServiceDeps & { flows: Pick<FlowsService, "get"> }): Pick<VfsService, "list" | "subdirectories" | "stat" | "progress"> {
  const db = deps.database.db;
  return {
    async list(actor: Principal, p) {
      requirePermission(actor, "READ_RESULTS");
      const clientId = clientIdOf(p.clientId);
      const path = normalizePath(p.path);
      const offset = Math.max(0, Math.trunc(p.offset ?? 0) || 0);
      const limit = Math.min(Math.max(Math.trunc(p.limit ?? 100) || 100, 1), 1000);
      const dir = await queries.getVfsDirectory(db, clientId, path);
      if (!dir) return { path, listedAt: null, flowId: null, total: 0, offset, entries: [] };
      const rows = await queries.listVfsEntries(db, { clientId, dirPath: path, offset, limit });
      return { path, listedAt: dir.listedAt.toISOString(), flowId: dir.flowId, total: Number(dir.totalEntries), offset, entries: rows.map(toEntry) };
    },

    async subdirectories(actor, p) {
      requirePermission(actor, "READ_RESULTS");
      const rows = await queries.listVfsSubdirectories(db, { clientId: clientIdOf(p.clientId), dirPath: normalizePath(p.path), limit: 1000 });
      return rows.map((r) => ({ name: r.name, path: r.osPath, listed: r.listed }));
    },

    async stat(actor, p) {
      requirePermission(actor, "READ_RESULTS");
      const clientId = clientIdOf(p.clientId);
      const path = normalizePath(p.path);
      const [entry, download] = await Promise.all([
        path === "/" ? undefined : queries.getVfsEntry(db, { clientId, dirPath: parentOf(path), name: baseName(path) }),
        queries.getVfsDownload(db, clientId, path),
      ]);
      return {
        entry: entry ? toEntry(entry) : null,
        download: download ? { flowId: download.flowId, size: Number(download.size), sha256: download.sha256, downloadedAt: download.downloadedAt.toISOString() } : null,
      };
    },

    async progress(actor, p) {
      requirePermission(actor, "READ_RESULTS");
      const clientId = clientIdOf(p.clientId);
      const flow = await deps.flows.get(actor, clientId, p.flowId);
      const final = flow.state !== "WAITING" && flow.state !== "RUNNING";
      let directories = 0;
      let ingested = final && flow.state !== "FINISHED";
      if (flow.state === "FINISHED") {
        if (flow.artifacts.includes(VFS_DOWNLOAD_ARTIFACT)) {
          const path = normalizePath(String(flow.parameters[VFS_DOWNLOAD_ARTIFACT]?.Path ?? ""));
          const d = await queries.getVfsDownload(db, clientId, path);
          ingested = !!d && (d.flowId === flow.flowId || d.downloadedAt >= (flow.finishedAt ?? flow.createdAt));
        } else {
          directories = await queries.countVfsDirectoriesOfFlow(db, clientId, flow.flowId);
          const root = String(flow.parameters[VFS_LIST_ARTIFACT]?.Path ?? "/");
          const dir = directories ? undefined : await queries.getVfsDirectory(db, clientId, normalizePath(root));
          // Ingested, or already replaced by a newer listing of the same directory.
          ingested = directories > 0 || (!!dir && dir.listedAt >= (flow.finishedAt ?? flow.createdAt));
        }
      }
      return { flowId: flow.flowId, state: flow.state, status: flow.status, rows: flow.totalRows, directories, ingested };
    },
  };
}
