// The file system for glob(), stat(), read_file(), hash() and upload(): a depth-first walk for
// glob patterns (sorted directory listings, `**` limited to 30 levels, symlinked directories
// not followed unless asked), lstat-based file info, and ranged reads in chunks.
import { lstat, open, opendir, readlink, stat as statFollow } from "node:fs/promises";
import type { Stats } from "node:fs";
import type { EndpointFs, FileInfo } from "../system";
import { componentRegex, expandBraces, hasWildcard, patternComponents } from "./glob-pattern";

const MAX_DEPTH = 30;
const CHUNK = 256 * 1024;

/** Go's os.FileMode.String(): `drwxr-xr-x`, `-rw-r--r--`, `Lrwxrwxrwx`, `urwxr-xr-x` (setuid), `Dcrw-rw-rw-` (character device). */
export function modeString(st: Stats): string {
  // Go prints one letter per set type bit, in the order of its "dalTLDpSugct?" table.
  let type = "";
  if (st.isDirectory()) type += "d";
  if (st.isSymbolicLink()) type += "L";
  if (st.isBlockDevice() || st.isCharacterDevice()) type += "D";
  if (st.isFIFO()) type += "p";
  if (st.isSocket()) type += "S";
  if (st.mode & 0o4000) type += "u";
  if (st.mode & 0o2000) type += "g";
  if (st.isCharacterDevice()) type += "c";
  if (st.mode & 0o1000) type += "t";
  const rwx = "rwxrwxrwx";
  let perms = "";
  for (let i = 0; i < 9; i++) perms += st.mode & (1 << (8 - i)) ? rwx[i] : "-";
  return (type || "-") + perms;
}

/** Linux's major/minor split of a device number (glibc's gnu_dev_major / gnu_dev_minor). */
export function devNumbers(dev: number): { DevMajor: number; DevMinor: number } {
  const d = BigInt(Math.max(0, Math.trunc(dev)));
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  return { DevMajor: Number(major), DevMinor: Number(minor) };
}

export function fileInfo(path: string, st: Stats, link?: string): FileInfo {
  return {
    Name: path === "/" ? "/" : path.slice(path.lastIndexOf("/") + 1),
    OSPath: path,
    Size: st.size,
    Mode: modeString(st),
    IsDir: st.isDirectory(),
    IsLink: st.isSymbolicLink(),
    Mtime: st.mtime,
    Atime: st.atime,
    Ctime: st.ctime,
    Btime: st.birthtime,
    Uid: st.uid,
    Gid: st.gid,
    Data: { ...(link !== undefined ? { Link: link } : {}), ...devNumbers(st.dev) },
  };
}

/** fileInfo() with a symlink's target read (Velociraptor's Data.Link). */
async function fileInfoWithLink(path: string, st: Stats): Promise<FileInfo> {
  return fileInfo(path, st, st.isSymbolicLink() ? await readlink(path).catch(() => undefined) : undefined);
}

const join = (dir: string, name: string) => (dir === "/" ? `/${name}` : `${dir}/${name}`);

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    const d = await opendir(dir);
    for await (const e of d) names.push(e.name);
  } catch {
    return [];
  }
  return names.sort();
}

interface WalkOptions {
  signal: AbortSignal;
  followLinks: boolean;
  descend?: (entry: FileInfo) => Promise<boolean>;
  oneFilesystem?: boolean;
  /** Components that spell the glob's root: the walk starts there in Velociraptor, so `descend` is not asked about them. */
  rootDepth?: number;
}

/** Whether the walk goes into `path`: a directory (or a followed link to one) the callback allows. */
async function descendInto(path: string, followLinks: boolean, o: WalkOptions): Promise<boolean> {
  let st: Stats;
  try {
    st = await lstat(path);
  } catch {
    return false;
  }
  if (st.isSymbolicLink()) {
    if (!followLinks) return false;
    const target = await statFollow(path).catch(() => undefined);
    if (!target?.isDirectory()) return false;
    // Velociraptor's one_filesystem (glob/glob.go is_dir_or_link): a link whose target is on
    // another device than the link is not followed.
    if (o.oneFilesystem && target.dev !== st.dev) return false;
  } else if (!st.isDirectory()) return false;
  return o.descend ? o.descend(await fileInfoWithLink(path, st)) : true;
}

async function* walk(dir: string, comps: string[], i: number, depth: number, o: WalkOptions): AsyncIterable<string> {
  o.signal.throwIfAborted();
  if (i === comps.length) {
    yield dir;
    return;
  }
  const comp = comps[i]!;
  const last = i === comps.length - 1;
  if (comp === "**") {
    yield* walk(dir, comps, i + 1, depth, o);
    if (depth >= MAX_DEPTH) return;
    for (const name of await listDir(dir)) {
      const p = join(dir, name);
      if (await descendInto(p, o.followLinks, o)) yield* walk(p, comps, i, depth + 1, o);
      // A trailing `**` matches the files below too, as in Velociraptor (`/usr/**`), and a
      // directory the recursion callback keeps out is still a match itself.
      else if (last) yield p;
    }
    return;
  }
  if (!hasWildcard(comp)) {
    const p = join(dir, comp);
    if (last) {
      if (await lstat(p).then(() => true, () => false)) yield p;
    } else if (await descendInto(p, true, i < (o.rootDepth ?? 0) ? { ...o, descend: undefined } : o)) yield* walk(p, comps, i + 1, depth, o);
    return;
  }
  const re = componentRegex(comp);
  for (const name of await listDir(dir)) {
    if (!re.test(name)) continue;
    const p = join(dir, name);
    if (last) yield p;
    else if (await descendInto(p, o.followLinks, o)) yield* walk(p, comps, i + 1, depth, o);
  }
}

export function createLinuxFs(): EndpointFs {
  return {
    async *glob(patterns, o) {
      const root = o.root || "/";
      const expanded = patterns.flatMap(expandBraces);
      const seen = expanded.length > 1 || expanded.some((p) => p.split("**").length > 2) ? new Set<string>() : undefined;
      for (const pattern of expanded) {
        const rootDepth = pattern.startsWith("/") ? 0 : patternComponents(".", root).length;
        for await (const path of walk("/", patternComponents(pattern, root), 0, 0, { signal: o.signal, followLinks: o.followLinks ?? false, descend: o.descend, oneFilesystem: o.oneFilesystem, rootDepth })) {
          if (seen) {
            if (seen.has(path)) continue;
            seen.add(path);
          }
          const st = await lstat(path).catch(() => undefined);
          if (st) yield await fileInfoWithLink(path, st);
        }
      }
    },

    async stat(path) {
      const st = await lstat(path).catch(() => undefined);
      return st ? fileInfoWithLink(path, st) : undefined;
    },

    async *read(path, o) {
      const fh = await open(path, "r");
      try {
        let pos = o.offset ?? 0;
        let left = o.length ?? Number.MAX_SAFE_INTEGER;
        while (left > 0) {
          o.signal.throwIfAborted();
          const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
          const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
          if (bytesRead === 0) break;
          pos += bytesRead;
          left -= bytesRead;
          yield buf.subarray(0, bytesRead);
        }
      } finally {
        await fh.close();
      }
    },
  };
}
