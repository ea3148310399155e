// The file browser's contract (VFS): directory listings collected from an endpoint on demand
// (System.VFS.ListDirectory, Path and Depth) and files downloaded from it
// (System.VFS.DownloadFile, Path), cached per directory by a journal consumer of
// System.Flow.Completion, read back in pages.
import type { Principal } from "./common";
import type { FlowState, FlowSummary } from "./flows";

export const VFS_LIST_ARTIFACT = "System.VFS.ListDirectory";
export const VFS_DOWNLOAD_ARTIFACT = "System.VFS.DownloadFile";

/** One cached directory entry. Times are ISO strings or null. */
export interface VfsEntry {
  name: string;
  path: string;
  isDir: boolean;
  isLink: boolean;
  size: number;
  mode: string;
  mtime: string | null;
  atime: string | null;
  ctime: string | null;
  btime: string | null;
  /** The listing flow it came from. */
  flowId: string;
}

export interface VfsDownload {
  flowId: string;
  size: number;
  sha256: string;
  downloadedAt: string;
}

export interface VfsListing {
  path: string;
  /** Null when the directory was never listed. */
  listedAt: string | null;
  flowId: string | null;
  total: number;
  offset: number;
  entries: VfsEntry[];
}

export interface VfsProgress {
  flowId: string;
  state: FlowState;
  status: string;
  /** Rows the agent has sent so far (entries found). */
  rows: number;
  /** Directories this flow recorded in the cache (after it completed and was ingested). */
  directories: number;
  /** True once the cache holds this flow's listing (or download). */
  ingested: boolean;
}

export interface VfsService {
  /** READ_RESULTS. One page of a directory's cached entries, in name order. */
  list(actor: Principal, p: { clientId: string; path: string; offset?: number; limit?: number }): Promise<VfsListing>;
  /** READ_RESULTS. Up to 1,000 subdirectories of a directory, and whether each was listed. */
  subdirectories(actor: Principal, p: { clientId: string; path: string }): Promise<Array<{ name: string; path: string; listed: boolean }>>;
  /** READ_RESULTS. One entry (from its directory's listing) and its latest download. */
  stat(actor: Principal, p: { clientId: string; path: string }): Promise<{ entry: VfsEntry | null; download: VfsDownload | null }>;
  /** COLLECT_CLIENT (as any collection). Lists a directory (depth 0) or a tree (depth > 0). */
  refresh(actor: Principal, p: { clientId: string; path: string; depth?: number }): Promise<FlowSummary>;
  /** COLLECT_CLIENT. Uploads one file from the endpoint. */
  download(actor: Principal, p: { clientId: string; path: string }): Promise<FlowSummary>;
  /** READ_RESULTS. How a listing or download flow is going. */
  progress(actor: Principal, p: { clientId: string; flowId: string }): Promise<VfsProgress>;
}
