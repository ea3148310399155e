// The server file store's contract: files the server writes for users (the export zips of
// create_flow_download() and create_hunt_download()), kept in the database so any process
// sharing it can serve, materialise or delete them. Paths are Velociraptor's file-store paths
// (`/downloads/<ClientId>/<FlowId>/<name>.zip`, `/downloads/hunts/<HuntId>/<name>.zip`); an
// `fs:` prefix is accepted and dropped.
import type { Principal } from "./common";

export interface StoredFile {
  path: string;
  size: number;
  /** False while the writer is still at it (wait=FALSE) or when it failed (`error`). */
  complete: boolean;
  error?: string;
  createdBy: string;
  createdAt: Date;
}

export interface FileStoreService {
  /** PREPARE_RESULTS (and READ_RESULTS, which the archive reads need). Writes the flow's export zip; the file's path. */
  createFlowDownload(actor: Principal, p: { clientId: string; flowId: string; wait?: boolean; name?: string; format?: string; password?: string }): Promise<string>;
  /** PREPARE_RESULTS (and READ_RESULTS). Writes the hunt's export zip; the file's path. */
  createHuntDownload(actor: Principal, p: { huntId: string; wait?: boolean; base?: string; format?: string; password?: string; onlyCombined?: boolean }): Promise<string>;
  /** READ_RESULTS. The files under a prefix (`/downloads/<ClientId>/<FlowId>/` lists a flow's exports). */
  list(actor: Principal, prefix: string): Promise<StoredFile[]>;
  /** READ_RESULTS. A complete file's bytes, read part by part as the stream is pulled. */
  open(actor: Principal, path: string): Promise<{ file: StoredFile; body: ReadableStream<Uint8Array> }>;
  /** READ_RESULTS. Copies the file to this process's data directory (`<dataDir>/file_store<path>`) and returns that path. */
  localPath(actor: Principal, path: string): Promise<string>;
  /** COLLECT_SERVER. Stores `data` at `path` under `/packages/` (repack(), deb_create(), rpm_create()), replacing a file there; the stored file. */
  put(actor: Principal, path: string, data: Uint8Array): Promise<StoredFile>;
  /** SERVER_ADMIN. Deletes the file (and its local copy); false when there was none. */
  remove(actor: Principal, path: string): Promise<boolean>;
}
