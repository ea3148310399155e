// Starting the file browser's collections: a listing (System.VFS.ListDirectory with Path and
// Depth) or a download (System.VFS.DownloadFile with Path), as the acting user, through the
// flows service, which checks COLLECT_CLIENT and the artifacts' implied permissions as for any
// collection. The cache is filled later, when the flow completes (ingest.ts).
import { requirePermission, ServiceError, VFS_DOWNLOAD_ARTIFACT, VFS_LIST_ARTIFACT, type FlowsService, type VfsService } from "@/engine/server/contracts";
import { normalizePath } from "./paths";
import { clientIdOf } from "./read";

/** Deepest tree a recursive listing may ask for. */
export const MAX_DEPTH = 31;

export function startVfsCollections(deps: { flows: Pick<FlowsService, "collect"> }): Pick<VfsService, "refresh" | "download"> {
  return {
    async refresh(actor, p) {
      requirePermission(actor, "COLLECT_CLIENT");
      const depth = Math.trunc(p.depth ?? 0);
      if (!Number.isFinite(depth) || depth < 0 || depth > MAX_DEPTH) throw new ServiceError("bad_request", `depth must be between 0 and ${MAX_DEPTH}`);
      return deps.flows.collect(actor, {
        clientId: clientIdOf(p.clientId),
        artifacts: [VFS_LIST_ARTIFACT],
        parameters: { [VFS_LIST_ARTIFACT]: { Path: normalizePath(p.path), Depth: String(depth) } },
      });
    },
    async download(actor, p) {
      requirePermission(actor, "COLLECT_CLIENT");
      const path = normalizePath(p.path);
      if (path === "/") throw new ServiceError("bad_request", "give a file's path");
      return deps.flows.collect(actor, { clientId: clientIdOf(p.clientId), artifacts: [VFS_DOWNLOAD_ARTIFACT], parameters: { [VFS_DOWNLOAD_ARTIFACT]: { Path: path } } });
    },
  };
}
