// A read-only ext2/3/4 parser over a byte source (a raw device or an image): superblock, 32/64-bit
// group descriptors, inodes, extent trees and classic block maps, and directories read linearly
// (htree index blocks read as the empty entries they look like). The journal is not replayed.
// Layout facts from the kernel's ext4 documentation (Documentation/filesystems/ext4).

/** Reads `length` bytes at `offset` (fewer at the end of the source). */
export type ReadAt = (offset: number, length: number) => Promise<Buffer>;

const MAGIC = 0xef53;
const EXTENT_MAGIC = 0xf30a;
const INCOMPAT_64BIT = 0x80;
const INCOMPAT_META_BG = 0x10;
const FL_EXTENTS = 0x80000;
const FL_INLINE_DATA = 0x10000000;
/** Block-mapped files are mapped up to this many blocks (4 GiB at 4 KiB blocks). */
const MAX_RUN_BLOCKS = 1 << 20;

/** The kernel's inode flag names (EXT4_*_FL without prefix and suffix), in bit order. */
export const INODE_FLAGS: ReadonlyArray<[number, string]> = [
  [0x1, "SECRM"], [0x2, "UNRM"], [0x4, "COMPR"], [0x8, "SYNC"], [0x10, "IMMUTABLE"], [0x20, "APPEND"],
  [0x40, "NODUMP"], [0x80, "NOATIME"], [0x100, "DIRTY"], [0x200, "COMPRBLK"], [0x400, "NOCOMPR"],
  [0x800, "ENCRYPT"], [0x1000, "INDEX"], [0x2000, "IMAGIC"], [0x4000, "JOURNAL_DATA"], [0x8000, "NOTAIL"],
  [0x10000, "DIRSYNC"], [0x20000, "TOPDIR"], [0x40000, "HUGE_FILE"], [0x80000, "EXTENTS"], [0x100000, "VERITY"],
  [0x200000, "EA_INODE"], [0x2000000, "DAX"], [0x10000000, "INLINE_DATA"], [0x20000000, "PROJINHERIT"],
  [0x40000000, "CASEFOLD"], [0x80000000, "RESERVED"],
];

export function flagNames(flags: number): string[] {
  return INODE_FLAGS.filter(([bit]) => (flags & bit) >>> 0 !== 0).map(([, n]) => n);
}

export interface Inode {
  number: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  flags: number;
  links: number;
  atime: Date;
  ctime: Date;
  mtime: Date;
  /** Creation time where the inode is large enough to hold it, else the epoch. */
  btime: Date;
  /** The 60-byte i_block area: extent root, block map or inline data / fast symlink target. */
  block: Buffer;
}

export interface DirEntry {
  name: string;
  inode: number;
  fileType: number;
}

/** A contiguous piece of a file: `length` bytes at file offset `fileOffset`, on disk at `diskOffset` (null: a hole or unwritten). */
interface Run {
  fileOffset: number;
  diskOffset: number | null;
  length: number;
}

function time(b: Buffer, at: number, extraAt: number | undefined): Date {
  const secs = b.readInt32LE(at);
  if (extraAt === undefined) return new Date(secs * 1000);
  const extra = b.readUInt32LE(extraAt);
  const full = secs + (extra & 3) * 2 ** 32;
  return new Date(full * 1000 + Math.floor((extra >>> 2) / 1e6));
}

export class Ext4Volume {
  private constructor(
    private readonly readAt: ReadAt,
    readonly blockSize: number,
    private readonly inodesPerGroup: number,
    private readonly inodeSize: number,
    private readonly groupTables: number[],
    readonly incompat: number,
  ) {}

  /** Parses the superblock and group descriptors; throws when the source is not ext2/3/4. */
  static async open(readAt: ReadAt): Promise<Ext4Volume> {
    const sb = await readAt(1024, 1024);
    if (sb.length < 1024 || sb.readUInt16LE(0x38) !== MAGIC) throw new Error("not an ext2/3/4 file system (bad superblock magic)");
    const blockSize = 1024 << sb.readUInt32LE(0x18);
    const inodesCount = sb.readUInt32LE(0x0);
    const firstDataBlock = sb.readUInt32LE(0x14);
    const inodesPerGroup = sb.readUInt32LE(0x28);
    const rev = sb.readUInt32LE(0x4c);
    const inodeSize = rev === 0 ? 128 : sb.readUInt16LE(0x58);
    const incompat = sb.readUInt32LE(0x60);
    const descSize = incompat & INCOMPAT_64BIT ? Math.max(32, sb.readUInt16LE(0xfe)) : 32;
    if (!inodesPerGroup || blockSize > 65536 || inodeSize < 128) throw new Error("ext4: implausible superblock");
    // meta_bg scatters the descriptors over the groups; not read here rather than misread.
    if (incompat & INCOMPAT_META_BG) throw new Error("ext4: file systems with meta_bg are not supported");
    const groups = Math.ceil(inodesCount / inodesPerGroup);
    const gdt = await readAt((firstDataBlock + 1) * blockSize, groups * descSize);
    const tables: number[] = [];
    for (let g = 0; g < groups; g++) {
      const at = g * descSize;
      if (at + 32 > gdt.length) break;
      const lo = gdt.readUInt32LE(at + 0x8);
      const hi = descSize >= 64 && at + 0x2c <= gdt.length ? gdt.readUInt32LE(at + 0x28) : 0;
      tables.push(lo + hi * 2 ** 32);
    }
    return new Ext4Volume(readAt, blockSize, inodesPerGroup, inodeSize, tables, incompat);
  }

  async inode(n: number): Promise<Inode> {
    const group = Math.floor((n - 1) / this.inodesPerGroup);
    const table = this.groupTables[group];
    if (n < 1 || table === undefined) throw new Error(`ext4: inode ${n} out of range`);
    const at = table * this.blockSize + ((n - 1) % this.inodesPerGroup) * this.inodeSize;
    const b = await this.readAt(at, this.inodeSize);
    if (b.length < 128) throw new Error(`ext4: short read of inode ${n}`);
    const extra = this.inodeSize > 128 ? b.readUInt16LE(0x80) : 0;
    const has = (end: number) => 128 + extra >= end && b.length >= end;
    return {
      number: n,
      mode: b.readUInt16LE(0x0),
      uid: b.readUInt16LE(0x2) | (b.readUInt16LE(0x78) << 16),
      gid: b.readUInt16LE(0x18) | (b.readUInt16LE(0x7a) << 16),
      size: b.readUInt32LE(0x4) + b.readUInt32LE(0x6c) * 2 ** 32,
      flags: b.readUInt32LE(0x20),
      links: b.readUInt16LE(0x1a),
      ctime: time(b, 0xc, has(0x88) ? 0x84 : undefined),
      mtime: time(b, 0x10, has(0x8c) ? 0x88 : undefined),
      atime: time(b, 0x8, has(0x90) ? 0x8c : undefined),
      btime: has(0x94) ? time(b, 0x90, has(0x98) ? 0x94 : undefined) : new Date(0),
      block: Buffer.from(b.subarray(0x28, 0x28 + 60)),
    };
  }

  /** The file's data runs, in file order. */
  private async runs(ino: Inode, end: number): Promise<Run[]> {
    const runs: Run[] = [];
    const bs = this.blockSize;
    if (ino.flags & FL_EXTENTS) {
      const visit = async (node: Buffer, depthLeft: number): Promise<void> => {
        if (node.readUInt16LE(0) !== EXTENT_MAGIC || depthLeft < 0) throw new Error(`ext4: bad extent header in inode ${ino.number}`);
        const entries = node.readUInt16LE(2);
        const depth = node.readUInt16LE(6);
        for (let i = 0; i < entries; i++) {
          const e = 12 + i * 12;
          if (e + 12 > node.length) break;
          const logical = node.readUInt32LE(e);
          if (depth === 0) {
            let len = node.readUInt16LE(e + 4);
            const unwritten = len > 32768;
            if (unwritten) len -= 32768;
            const start = node.readUInt16LE(e + 6) * 2 ** 32 + node.readUInt32LE(e + 8);
            runs.push({ fileOffset: logical * bs, diskOffset: unwritten ? null : start * bs, length: len * bs });
          } else {
            const leaf = node.readUInt32LE(e + 4) + node.readUInt16LE(e + 8) * 2 ** 32;
            await visit(await this.readAt(leaf * bs, bs), Math.min(depthLeft - 1, depth - 1));
          }
        }
      };
      await visit(ino.block, 5);
      return runs.sort((a, b) => a.fileOffset - b.fileOffset);
    }
    // Classic block map: 12 direct, then single, double and triple indirect blocks.
    const perBlock = bs / 4;
    const total = Math.min(Math.ceil(Math.min(ino.size, end) / bs), MAX_RUN_BLOCKS);
    let logical = 0;
    const add = (blk: number) => {
      if (logical >= total) return;
      const fileOffset = logical * bs;
      const diskOffset = blk === 0 ? null : blk * bs;
      const last = runs[runs.length - 1];
      if (last && last.fileOffset + last.length === fileOffset && (last.diskOffset === null ? diskOffset === null : diskOffset === last.diskOffset + last.length)) last.length += bs;
      else runs.push({ fileOffset, diskOffset, length: bs });
      logical++;
    };
    const indirect = async (blk: number, level: number): Promise<void> => {
      if (logical >= total) return;
      const span = perBlock ** level;
      if (blk === 0) {
        for (let i = 0; i < span && logical < total; i++) add(0);
        return;
      }
      const b = await this.readAt(blk * bs, bs);
      for (let i = 0; i < perBlock && logical < total; i++) {
        const p = b.readUInt32LE(i * 4);
        if (level === 1) add(p);
        else await indirect(p, level - 1);
      }
    };
    for (let i = 0; i < 12; i++) add(ino.block.readUInt32LE(i * 4));
    for (let lvl = 1; lvl <= 3; lvl++) await indirect(ino.block.readUInt32LE((11 + lvl) * 4), lvl);
    return runs;
  }

  /** At most `length` bytes of the file from `offset` (holes read as zeros; inline data from i_block only). */
  async read(ino: Inode, offset: number, length: number): Promise<Buffer> {
    const end = Math.min(ino.size, offset + length);
    if (end <= offset) return Buffer.alloc(0);
    if (ino.flags & FL_INLINE_DATA || (isSymlink(ino.mode) && ino.size < 60 && !(ino.flags & FL_EXTENTS))) {
      return Buffer.from(ino.block.subarray(offset, Math.min(end, 60)));
    }
    const out = Buffer.alloc(end - offset);
    for (const r of await this.runs(ino, end)) {
      const from = Math.max(offset, r.fileOffset);
      const to = Math.min(end, r.fileOffset + r.length);
      if (to <= from || r.diskOffset === null) continue;
      const data = await this.readAt(r.diskOffset + (from - r.fileOffset), to - from);
      data.copy(out, from - offset);
    }
    return out;
  }

  /** A directory's entries in on-disk order, without `.`, `..` and empty slots. */
  async list(dir: Inode): Promise<DirEntry[]> {
    const data = await this.read(dir, 0, dir.size);
    const out: DirEntry[] = [];
    for (let at = 0; at + 8 <= data.length; ) {
      const inode = data.readUInt32LE(at);
      const recLen = data.readUInt16LE(at + 4);
      const nameLen = data[at + 6]!;
      const fileType = data[at + 7]!;
      if (recLen < 8) break;
      if (inode !== 0 && nameLen > 0 && at + 8 + nameLen <= data.length) {
        const name = data.subarray(at + 8, at + 8 + nameLen).toString("utf8");
        if (name !== "." && name !== "..") out.push({ name, inode, fileType });
      }
      at += recLen;
    }
    return out;
  }

  /** The inode at a path of components from the root (inode 2); undefined when a component is missing. */
  async lookup(components: readonly string[]): Promise<Inode | undefined> {
    let ino = await this.inode(2);
    for (const c of components) {
      if (!isDir(ino.mode)) return undefined;
      const e = (await this.list(ino)).find((d) => d.name === c);
      if (!e) return undefined;
      ino = await this.inode(e.inode);
    }
    return ino;
  }
}

export const isDir = (mode: number) => (mode & 0xf000) === 0x4000;
export const isSymlink = (mode: number) => (mode & 0xf000) === 0xa000;

/** Go's os.FileMode.String() for an ext4 i_mode (`drwxr-xr-x`, `Lrwxrwxrwx`, `Dcrw-rw-rw-`, `urwxr-xr-x`). */
export function goModeString(mode: number): string {
  const t = mode & 0xf000;
  let type = "";
  if (t === 0x4000) type += "d";
  if (t === 0xa000) type += "L";
  if (t === 0x6000 || t === 0x2000) type += "D";
  if (t === 0x1000) type += "p";
  if (t === 0xc000) type += "S";
  if (mode & 0o4000) type += "u";
  if (mode & 0o2000) type += "g";
  if (t === 0x2000) type += "c";
  if (mode & 0o1000) type += "t";
  const rwx = "rwxrwxrwx";
  let perms = "";
  for (let i = 0; i < 9; i++) perms += mode & (1 << (8 - i)) ? rwx[i] : "-";
  return (type || "-") + perms;
}
