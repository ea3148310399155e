// The server file store: create_flow_download()/create_hunt_download() write the downloads
// service's flow or hunt zip (the same archive the download routes stream) into the database
// file store; list/open serve the files to any process's route; localPath materialises one into
// this process's data directory (file_store()); remove deletes it (file_store_delete()).
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { queries } from "@/drizzle";
import type { FileStoreFileRecord } from "@/drizzle/schema";
import {
  requirePermission,
  ServiceError,
  type AuditService,
  type DownloadsService,
  type FileStoreService,
  type Principal,
  type ServiceDeps,
  type StoredFile,
  type ZipDownload,
} from "@/engine/server/contracts";
import { checkPath, checkPrefix, flowDownloadPath, huntDownloadPath } from "./paths";
import { readStoredFile, writeStoredFile } from "./write";

export interface FileStoreDeps extends ServiceDeps {
  audit: Pick<AuditService, "record">;
  downloads: Pick<DownloadsService, "flowZip" | "huntZip">;
}

const FORMATS = ["", "json", "csv", "csv_only"];
/** Where put() stores: the packages and bundles repack(), deb_create() and rpm_create() build. */
const PACKAGES_PREFIX = "/packages/";

function toStored(r: FileStoreFileRecord): StoredFile {
  return { path: r.path, size: r.size, complete: r.complete, ...(r.error ? { error: r.error } : {}), createdBy: r.createdBy, createdAt: r.createdAt };
}

function checkExportOptions(p: { format?: string; password?: string }) {
  if (p.password) throw new ServiceError("bad_request", "field `password`: encrypted export zips are not supported by Talon (no maintained library writes standard encrypted zips); leave it empty");
  if (!FORMATS.includes(p.format ?? "")) throw new ServiceError("bad_request", "field `format`: expected json, csv or csv_only (or empty for both)");
}

/** Exports are written under the downloads service's own signal (the engine's): closing the engine stops them. */
export function startFileStore(deps: FileStoreDeps): FileStoreService {
  const { database } = deps;
  const localRoot = join(deps.config.dataDir, "file_store");
  const now = () => deps.clock.now();

  async function store(actor: Principal, path: string, zip: ZipDownload, wait: boolean, details: Record<string, unknown>): Promise<string> {
    const writing = writeStoredFile(database, { path, principal: actor.username, body: zip.body, now }).then(
      (size) => deps.audit.record(actor, "create_download", { ...details, path, size }),
      (err) => {
        deps.log.error("file store download failed", { path, error: (err as Error)?.message ?? String(err) });
        throw err;
      },
    );
    if (wait) await writing;
    else writing.catch(() => {});
    return path;
  }

  async function complete(path: string): Promise<StoredFile> {
    const row = await queries.getStoredFile(database.db, path);
    if (!row) throw new ServiceError("not_found", `no file at ${path} in the file store`);
    const f = toStored(row);
    if (f.error) throw new ServiceError("conflict", `${path} failed while it was written: ${f.error}`);
    if (!f.complete) throw new ServiceError("conflict", `${path} is still being written`);
    return f;
  }

  return {
    async createFlowDownload(actor, p) {
      requirePermission(actor, "PREPARE_RESULTS");
      checkExportOptions(p);
      const zip = await deps.downloads.flowZip(actor, { clientId: p.clientId, flowId: p.flowId });
      const path = flowDownloadPath(p.clientId, p.flowId, p.name, zip.filename);
      return store(actor, path, zip, p.wait ?? false, { client_id: p.clientId, flow_id: p.flowId });
    },

    async createHuntDownload(actor, p) {
      requirePermission(actor, "PREPARE_RESULTS");
      checkExportOptions(p);
      const zip = await deps.downloads.huntZip(actor, { huntId: p.huntId });
      const path = huntDownloadPath(p.huntId, p.base, zip.filename);
      return store(actor, path, zip, p.wait ?? false, { hunt_id: p.huntId });
    },

    async list(actor, prefix) {
      requirePermission(actor, "READ_RESULTS");
      return (await queries.listStoredFiles(database.db, checkPrefix(prefix))).map(toStored);
    },

    async open(actor, path) {
      requirePermission(actor, "READ_RESULTS");
      const file = await complete(checkPath(path));
      return { file, body: readStoredFile(database, file.path) };
    },

    async localPath(actor, path) {
      requirePermission(actor, "READ_RESULTS");
      const file = await complete(checkPath(path));
      const local = join(localRoot, ...file.path.split("/").filter(Boolean));
      await mkdir(dirname(local), { recursive: true });
      if (file.size === 0) await writeFile(local, new Uint8Array());
      else await pipeline(Readable.fromWeb(readStoredFile(database, file.path) as import("node:stream/web").ReadableStream<Uint8Array>), createWriteStream(local));
      return local;
    },

    async put(actor, path, data) {
      requirePermission(actor, "COLLECT_SERVER");
      const p = checkPath(path);
      if (!p.startsWith(PACKAGES_PREFIX)) throw new ServiceError("bad_request", `field \`path\`: built packages are stored under ${PACKAGES_PREFIX}`);
      await rm(join(localRoot, ...p.split("/").filter(Boolean)), { force: true });
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          if (data.length) c.enqueue(data);
          c.close();
        },
      });
      const size = await writeStoredFile(database, { path: p, principal: actor.username, body, now });
      await deps.audit.record(actor, "file_store_put", { path: p, size });
      return complete(p);
    },

    async remove(actor, path) {
      requirePermission(actor, "SERVER_ADMIN");
      const p = checkPath(path);
      const removed = await queries.deleteStoredFile(database.db, p);
      await rm(join(localRoot, ...p.split("/").filter(Boolean)), { force: true });
      if (removed) await deps.audit.record(actor, "file_store_delete", { path: p });
      return removed;
    },
  };
}
