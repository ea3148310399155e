// The file browser's shapes as its routes answer them (app/api/clients/[clientId]/vfs/...).
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
  flowId: string;
}

export interface VfsListing {
  path: string;
  listedAt: string | null;
  flowId: string | null;
  total: number;
  offset: number;
  entries: VfsEntry[];
}

export interface VfsProgress {
  flowId: string;
  state: string;
  status: string;
  rows: number;
  directories: number;
  ingested: boolean;
}

export interface VfsDownload {
  flowId: string;
  size: number;
  sha256: string;
  downloadedAt: string;
}

/** `/a/b` → [{/}, {a, /a}, {b, /a/b}] for the breadcrumb. */
export function crumbs(path: string): Array<{ name: string; path: string }> {
  const parts = path.split("/").filter(Boolean);
  return [{ name: "/", path: "/" }, ...parts.map((name, i) => ({ name, path: `/${parts.slice(0, i + 1).join("/")}` }))];
}

/** The directory holding `path` (`/` for the root's children). */
export function parentPath(path: string): string {
  const i = path.replace(/\/+$/, "").lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/** A time as UTC `YYYY-MM-DD HH:MM:SS`, or an em dash. */
export function utc(iso: string | null): string {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "") : "—";
}
