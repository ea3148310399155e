// The ext4 and raw_ext4 accessors for glob(), stat() and read_file(): files read by parsing the
// ext4 file system from its raw device through the endpoint's fs, so inode details (number,
// flags) show. `ext4` takes the paths of the running system and maps each to the ext4 mount
// holding it (/proc/1/mountinfo as gopsutil reads it, longest mount point; bind-mount roots honoured), as
// Velociraptor's accessors/ext4 does; `raw_ext4` takes a pathspec whose DelegatePath is the
// device or image and whose Path is the path inside it (`{"DelegatePath":"/img","Path":"/a"}`).
import type { EndpointFs } from "../system";
import { ts } from "../values";
import { componentRegex, expandBraces, hasWildcard } from "../linux/glob-pattern";
import { Ext4Volume, flagNames, goModeString, isDir, isSymlink, type Inode, type ReadAt } from "./reader";

export const EXT4_ACCESSORS = new Set(["ext4", "raw_ext4"]);
const PAGE = 64 * 1024;
const MAX_PAGES = 512;
const MAX_DEPTH = 30;

/** A byte source over one device or image read with the endpoint's fs, with a small page cache. */
function deviceReader(fs: Pick<EndpointFs, "read">, device: string, signal: AbortSignal): ReadAt {
  const pages = new Map<number, Buffer>();
  const page = async (i: number): Promise<Buffer> => {
    const hit = pages.get(i);
    if (hit) return hit;
    const parts: Buffer[] = [];
    try {
      for await (const c of fs.read(device, { offset: i * PAGE, length: PAGE, signal })) parts.push(Buffer.from(c));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === "EACCES" || e.code === "EPERM") throw new Error(`cannot read the raw device ${device} (raw reads need root and access to the device): ${e.message}`);
      throw err;
    }
    const b = Buffer.concat(parts);
    if (pages.size >= MAX_PAGES) pages.delete(pages.keys().next().value as number);
    pages.set(i, b);
    return b;
  };
  return async (offset, length) => {
    const out: Buffer[] = [];
    let pos = offset;
    const end = offset + length;
    while (pos < end) {
      const i = Math.floor(pos / PAGE);
      const p = await page(i);
      const from = pos - i * PAGE;
      if (from >= p.length) break;
      const take = p.subarray(from, Math.min(p.length, end - i * PAGE));
      out.push(take);
      pos += take.length;
      if (p.length < PAGE) break;
    }
    return Buffer.concat(out);
  };
}

export interface Mount {
  mountPoint: string;
  /** The directory of the file system mounted there (a bind mount's source; usually /). */
  root: string;
  device: string;
}

const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The ext4 mounts in /proc/self/mountinfo text (proc(5): fields, then `-`, fstype, source). */
export function parseMountinfo(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(" ");
    const dash = f.indexOf("-");
    if (dash < 6 || f[dash + 1] !== "ext4" || !f[dash + 2]) continue;
    out.push({ root: unescapeMount(f[3]!), mountPoint: unescapeMount(f[4]!), device: unescapeMount(f[dash + 2]!) });
  }
  return out;
}

const components = (p: string) => p.split("/").filter((c) => c !== "" && c !== ".");
const joinPath = (comps: readonly string[]) => "/" + comps.join("/");

/** Where a path lives: the device and the components inside its file system. */
interface Located {
  device: string;
  inner: string[];
  /** The path as the row shows it (OSPath). */
  show: (inner: readonly string[]) => string;
}

export class Ext4Access {
  private volumes = new Map<string, Promise<Ext4Volume>>();
  private mounts?: Promise<Mount[]>;

  constructor(
    private readonly fs: Pick<EndpointFs, "read" | "refusal">,
    private readonly accessor: string,
    private readonly signal: AbortSignal,
  ) {}

  private volume(device: string): Promise<Ext4Volume> {
    let v = this.volumes.get(device);
    if (!v) this.volumes.set(device, (v = Ext4Volume.open(deviceReader(this.fs, device, this.signal))));
    return v;
  }

  /**
   * The protected-path guard's refusal for a file found on `device`: asked about every system
   * path the file has through the ext4 mounts of that device (a raw read would otherwise reach
   * the agent's own key or the server's data directory).
   */
  private async refused(device: string, inner: readonly string[]): Promise<string | undefined> {
    if (!this.fs.refusal) return undefined;
    const mounts = await this.mountTable().catch(() => [] as Mount[]);
    for (const m of mounts) {
      if (m.device !== device) continue;
      const root = components(m.root);
      if (!root.every((c, i) => inner[i] === c)) continue;
      const reason = await this.fs.refusal(joinPath([...components(m.mountPoint), ...inner.slice(root.length)]));
      if (reason) return reason;
    }
    return undefined;
  }

  private async mountTable(): Promise<Mount[]> {
    this.mounts ??= (async () => {
      // As gopsutil's partitions (Velociraptor's source of mounts): init's mount table, else
      // our own (/proc/self is protected from the agent's builtins, so that one may be refused).
      const text = async (path: string) => {
        const parts: Buffer[] = [];
        for await (const c of this.fs.read(path, { signal: this.signal })) parts.push(Buffer.from(c));
        return Buffer.concat(parts).toString("utf8");
      };
      return parseMountinfo(await text("/proc/1/mountinfo").catch(() => text("/proc/self/mountinfo")));
    })();
    return this.mounts;
  }

  /** Resolves a path of the accessor's form; throws with a clear message when it cannot. */
  async locate(path: string): Promise<Located> {
    if (this.accessor === "raw_ext4") {
      let spec: { DelegatePath?: unknown; Path?: unknown };
      try {
        spec = JSON.parse(path) as typeof spec;
      } catch {
        throw new Error(`raw_ext4 needs a pathspec with DelegatePath (the device or image) and Path, got ${path}`);
      }
      if (typeof spec.DelegatePath !== "string" || !spec.DelegatePath) throw new Error("raw_ext4: the pathspec has no DelegatePath");
      const device = spec.DelegatePath;
      return {
        device,
        inner: components(typeof spec.Path === "string" ? spec.Path : "/"),
        show: (inner) => JSON.stringify({ DelegateAccessor: "file", DelegatePath: device, Path: joinPath(inner) }),
      };
    }
    const comps = components(path);
    let best: Mount | undefined;
    for (const m of await this.mountTable()) {
      const mc = components(m.mountPoint);
      if (mc.length <= comps.length && mc.every((c, i) => comps[i] === c) && (!best || mc.length > components(best.mountPoint).length)) best = m;
    }
    if (!best) throw new Error(`ext4: no ext4 file system is mounted at or above ${path}`);
    const mount = best;
    const mc = components(mount.mountPoint);
    const rootComps = components(mount.root);
    return {
      device: mount.device,
      inner: [...rootComps, ...comps.slice(mc.length)],
      show: (inner) => joinPath([...mc, ...inner.slice(rootComps.length)]),
    };
  }

  async inodeAt(loc: Located): Promise<{ vol: Ext4Volume; ino: Inode } | undefined> {
    const reason = await this.refused(loc.device, loc.inner);
    if (reason) throw new Error(reason);
    const vol = await this.volume(loc.device);
    const ino = await vol.lookup(loc.inner);
    return ino ? { vol, ino } : undefined;
  }

  /** A glob()/stat() row for an inode (Velociraptor's ext4 FileInfo: Sys.mft is the inode number). */
  row(name: string, osPath: string, ino: Inode): Record<string, unknown> {
    return {
      Name: name,
      OSPath: osPath,
      FullPath: osPath,
      Size: ino.size,
      Mode: goModeString(ino.mode),
      IsDir: isDir(ino.mode),
      IsLink: isSymlink(ino.mode),
      Data: { Inode: ino.number, Uid: ino.uid, Gid: ino.gid, Flags: flagNames(ino.flags).join(", "), FlagsValue: ino.flags },
      Mtime: ts(ino.mtime),
      Atime: ts(ino.atime),
      Ctime: ts(ino.ctime),
      Btime: ts(ino.btime),
      ModTime: ts(ino.mtime),
      Sys: { mft: ino.number, Uid: ino.uid, Gid: ino.gid },
    };
  }

  async stat(path: string): Promise<Record<string, unknown> | undefined> {
    const loc = await this.locate(path);
    if (await this.refused(loc.device, loc.inner)) return undefined;
    const found = await this.inodeAt(loc);
    if (!found) return undefined;
    const name = loc.inner.length ? loc.inner[loc.inner.length - 1]! : "/";
    return this.row(name, loc.show(loc.inner), found.ino);
  }

  async read(path: string, offset: number, length: number): Promise<Buffer> {
    const loc = await this.locate(path);
    const found = await this.inodeAt(loc);
    if (!found) throw new Error(`${this.accessor}: ${path}: no such file`);
    if (isDir(found.ino.mode)) throw new Error(`${this.accessor}: ${path} is a directory`);
    return found.vol.read(found.ino, offset, length);
  }

  /** The file's bytes from offset, at most length bytes, in 256 KiB chunks (as EndpointFs.read). */
  async *chunks(path: string, offset = 0, length = Number.MAX_SAFE_INTEGER): AsyncIterable<Uint8Array> {
    const loc = await this.locate(path);
    const found = await this.inodeAt(loc);
    if (!found) throw new Error(`${this.accessor}: ${path}: no such file`);
    if (isDir(found.ino.mode)) throw new Error(`${this.accessor}: ${path} is a directory`);
    const end = Math.min(found.ino.size, offset + length);
    for (let pos = offset; pos < end; ) {
      this.signal.throwIfAborted();
      const b = await found.vol.read(found.ino, pos, Math.min(256 * 1024, end - pos));
      if (b.length === 0) return;
      pos += b.length;
      yield b;
    }
  }

  /**
   * Rows for glob patterns. For ext4 the patterns are paths of the system (root prefixes relative
   * ones); for raw_ext4 root is the pathspec naming the image and the patterns are inside it.
   */
  async *glob(patterns: string[], root: string | undefined, descend?: (row: Record<string, unknown>) => Promise<boolean>): AsyncIterable<Record<string, unknown>> {
    const seen = new Set<string>();
    for (const pattern of patterns.flatMap(expandBraces)) {
      let base: string;
      let pat: string[];
      if (this.accessor === "raw_ext4") {
        if (!root) throw new Error("raw_ext4: glob() needs root=pathspec(DelegatePath=<device or image>)");
        base = root;
        const loc = await this.locate(root);
        pat = [...loc.inner, ...components(pattern)];
        base = JSON.stringify({ ...JSON.parse(root), Path: "/" });
      } else {
        pat = components(pattern.startsWith("/") ? pattern : `${root || "/"}/${pattern}`);
        // Start the walk at the longest literal prefix, which must sit on an ext4 mount.
        base = "/";
      }
      const lit = pat.findIndex(hasWildcard);
      const prefix = lit < 0 ? pat.slice(0, -1) : pat.slice(0, lit);
      const startPath = this.accessor === "raw_ext4" ? JSON.stringify({ ...JSON.parse(base), Path: joinPath(prefix) }) : joinPath(prefix);
      const loc = await this.locate(startPath);
      if (await this.refused(loc.device, loc.inner)) continue;
      const start = await this.inodeAt(loc);
      if (!start || !isDir(start.ino.mode)) continue;
      const rest = pat.slice(prefix.length);
      // Velociraptor's recursion_callback: asked with a directory's row before the walk enters it.
      const enter = descend ? (inner: string[], ino: Inode) => descend(this.row(inner[inner.length - 1] ?? "/", loc.show(inner), ino)) : undefined;
      const allowed = (inner: string[]) => this.refused(loc.device, inner).then((r) => !r);
      for await (const [inner, ino] of this.walk(start.vol, start.ino, loc.inner, rest, 0, enter, allowed)) {
        const osPath = loc.show(inner);
        if (seen.has(osPath)) continue;
        seen.add(osPath);
        yield this.row(inner[inner.length - 1] ?? "/", osPath, ino);
      }
    }
  }

  /** Symlinks inside the file system are never followed. */
  private async *walk(
    vol: Ext4Volume,
    dir: Inode,
    at: string[],
    rest: string[],
    depth: number,
    enter: ((inner: string[], ino: Inode) => Promise<boolean>) | undefined,
    allowed: (inner: string[]) => Promise<boolean>,
  ): AsyncIterable<[string[], Inode]> {
    this.signal.throwIfAborted();
    if (rest.length === 0) return;
    const [comp, ...tail] = rest as [string, ...string[]];
    const entries = (await vol.list(dir)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (comp === "**") {
      yield* this.walk(vol, dir, at, tail, depth, enter, allowed);
      if (depth >= MAX_DEPTH) return;
      for (const e of entries) {
        const p = [...at, e.name];
        if (!(await allowed(p))) continue;
        const ino = await vol.inode(e.inode);
        if (tail.length === 0) yield [p, ino];
        if (isDir(ino.mode) && (!enter || (await enter(p, ino)))) yield* this.walk(vol, ino, p, rest, depth + 1, enter, allowed);
      }
      return;
    }
    const re = hasWildcard(comp) ? componentRegex(comp) : undefined;
    for (const e of entries) {
      if (re ? !re.test(e.name) : e.name !== comp) continue;
      const p = [...at, e.name];
      if (!(await allowed(p))) continue;
      const ino = await vol.inode(e.inode);
      if (tail.length === 0) yield [p, ino];
      else if (isDir(ino.mode) && (!enter || (await enter(p, ino)))) yield* this.walk(vol, ino, p, tail, depth, enter, allowed);
    }
  }
}
