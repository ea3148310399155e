// An RPM package (the v3 file format rpm 4 reads): the 96-byte lead, the signature header
// (sizes and digests, region tag 62), the main header (package tags, file list, dependencies,
// scripts; region tag 63) and the gzip-compressed cpio payload (cpio.ts). Written here from the
// format's specification (rpm's "Package File Format" and header-structure documents): npm has
// no maintained library that writes RPMs (the packages there call rpmbuild or are abandoned).
// Every header is a magic 8e ade8 01, 4 reserved bytes, the index count and data size (big
// endian), 16-byte index entries {tag, type, offset, count} sorted by tag, then the data store.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { cpioArchive, type CpioEntry } from "./cpio";

export const RPM_TYPE = { NULL: 0, CHAR: 1, INT8: 2, INT16: 3, INT32: 4, INT64: 5, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 } as const;
export const RPM_TAG = {
  HEADERSIGNATURES: 62,
  HEADERIMMUTABLE: 63,
  HEADERI18NTABLE: 100,
  SIG_SHA1: 269,
  SIG_SHA256: 273,
  SIG_SIZE: 1000,
  SIG_MD5: 1004,
  SIG_PAYLOADSIZE: 1007,
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  SUMMARY: 1004,
  DESCRIPTION: 1005,
  BUILDTIME: 1006,
  BUILDHOST: 1007,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  PACKAGER: 1015,
  GROUP: 1016,
  URL: 1020,
  OS: 1021,
  ARCH: 1022,
  PREIN: 1023,
  POSTIN: 1024,
  PREUN: 1025,
  POSTUN: 1026,
  FILESIZES: 1028,
  FILEMODES: 1030,
  FILERDEVS: 1033,
  FILEMTIMES: 1034,
  FILEDIGESTS: 1035,
  FILELINKTOS: 1036,
  FILEFLAGS: 1037,
  FILEUSERNAME: 1039,
  FILEGROUPNAME: 1040,
  PROVIDENAME: 1047,
  REQUIREFLAGS: 1048,
  REQUIRENAME: 1049,
  REQUIREVERSION: 1050,
  PREINPROG: 1085,
  POSTINPROG: 1086,
  PREUNPROG: 1087,
  POSTUNPROG: 1088,
  FILEDEVICES: 1095,
  FILEINODES: 1096,
  FILELANGS: 1097,
  PROVIDEFLAGS: 1112,
  PROVIDEVERSION: 1113,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  PAYLOADFORMAT: 1124,
  PAYLOADCOMPRESSOR: 1125,
  PAYLOADFLAGS: 1126,
  FILEDIGESTALGO: 5011,
} as const;

/** Dependency flags (rpmds.h). */
export const RPMSENSE = { LESS: 2, GREATER: 4, EQUAL: 8, RPMLIB: 1 << 24 } as const;

type Value = { type: 4 | 3; values: number[] } | { type: 6 | 9; value: string } | { type: 8; values: string[] } | { type: 7; value: Uint8Array };
const ALIGN: Record<number, number> = { [RPM_TYPE.INT16]: 2, [RPM_TYPE.INT32]: 4, [RPM_TYPE.INT64]: 8 };

/** One header blob: entries sorted by tag, the region entry first, its trailer closing the data. */
export function rpmHeader(tags: Map<number, Value>, regionTag: number): Buffer {
  const sorted = [...tags.entries()].sort((a, b) => a[0] - b[0]);
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let size = 0;
  const put = (b: Buffer) => (data.push(b), (size += b.length));
  const entry = (tag: number, type: number, offset: number, count: number) => {
    const e = Buffer.alloc(16);
    e.writeUInt32BE(tag, 0);
    e.writeUInt32BE(type, 4);
    e.writeInt32BE(offset, 8);
    e.writeUInt32BE(count, 12);
    return e;
  };
  for (const [tag, v] of sorted) {
    const align = ALIGN[v.type] ?? 1;
    if (size % align) put(Buffer.alloc(align - (size % align)));
    const offset = size;
    let count: number;
    if (v.type === RPM_TYPE.INT32 || v.type === RPM_TYPE.INT16) {
      const w = v.type === RPM_TYPE.INT32 ? 4 : 2;
      const b = Buffer.alloc(w * v.values.length);
      v.values.forEach((n, i) => (w === 4 ? b.writeUInt32BE(n >>> 0, i * 4) : b.writeUInt16BE(n & 0xffff, i * 2)));
      put(b);
      count = v.values.length;
    } else if (v.type === RPM_TYPE.STRING || v.type === RPM_TYPE.I18NSTRING) {
      put(Buffer.from(v.value + "\0", "utf8"));
      count = 1;
    } else if (v.type === RPM_TYPE.STRING_ARRAY) {
      put(Buffer.concat(v.values.map((s) => Buffer.from(s + "\0", "utf8"))));
      count = v.values.length;
    } else if (v.type === RPM_TYPE.BIN) {
      put(Buffer.from(v.value));
      count = v.value.length;
    } else {
      throw new Error("rpm: unknown tag type");
    }
    index.push(entry(tag, v.type, offset, count));
  }
  // The region: its entry first, pointing at a trailer (an index entry whose offset is minus the
  // size of the whole index) at the end of the data store.
  const il = index.length + 1;
  const trailerAt = size;
  put(entry(regionTag, RPM_TYPE.BIN, -(il * 16), 16));
  index.unshift(entry(regionTag, RPM_TYPE.BIN, trailerAt, 16));
  const intro = Buffer.alloc(16);
  intro.write("8eade801", 0, "hex");
  intro.writeUInt32BE(il, 8);
  intro.writeUInt32BE(size, 12);
  return Buffer.concat([intro, ...index, ...data]);
}

export interface RpmFile {
  /** Absolute path in the installed system. */
  path: string;
  data: Uint8Array;
  /** Permission bits (0o755); directories are given with `directory`. */
  mode: number;
  directory?: boolean;
}

export interface RpmMetadata {
  name: string;
  version: string;
  release: string;
  arch: string;
  summary: string;
  description: string;
  vendor?: string;
  packager?: string;
  url?: string;
  license?: string;
  group?: string;
  buildTime: number;
  buildHost?: string;
  requires: { name: string; flags: number; version: string }[];
  scripts: { prein?: string; postin?: string; preun?: string; postun?: string };
}

const str = (value: string): Value => ({ type: RPM_TYPE.STRING, value });
const i18n = (value: string): Value => ({ type: RPM_TYPE.I18NSTRING, value });
const strs = (values: string[]): Value => ({ type: RPM_TYPE.STRING_ARRAY, values });
const int32 = (values: number[]): Value => ({ type: RPM_TYPE.INT32, values });
const int16 = (values: number[]): Value => ({ type: RPM_TYPE.INT16, values });

function lead(name: string): Buffer {
  const l = Buffer.alloc(96);
  l.write("edabeedb", 0, "hex");
  l.writeUInt8(3, 4); // major
  l.writeUInt8(0, 5); // minor
  l.writeUInt16BE(0, 6); // binary package
  l.writeUInt16BE(0, 8); // archnum (noarch)
  l.write(name.slice(0, 65), 10, "latin1");
  l.writeUInt16BE(1, 76); // osnum: Linux
  l.writeUInt16BE(5, 78); // signature type: a header
  return l;
}

const RPMLIB_REQUIRES = [
  { name: "rpmlib(CompressedFileNames)", version: "3.0.4-1" },
  { name: "rpmlib(FileDigests)", version: "4.6.0-1" },
  { name: "rpmlib(PayloadFilesHavePrefix)", version: "4.0-1" },
];

/** The whole .rpm file. */
export function buildRpm(meta: RpmMetadata, files: readonly RpmFile[]): Buffer {
  const sortedFiles = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const dirnames: string[] = [];
  const dirIndexes: number[] = [];
  const basenames: string[] = [];
  for (const f of sortedFiles) {
    const cut = f.path.lastIndexOf("/");
    const dir = f.path.slice(0, cut + 1);
    let i = dirnames.indexOf(dir);
    if (i < 0) i = dirnames.push(dir) - 1;
    dirIndexes.push(i);
    basenames.push(f.path.slice(cut + 1));
  }
  const modeOf = (f: RpmFile) => (f.directory ? 0o040000 : 0o100000) | (f.mode & 0o7777);
  const cpioEntries: CpioEntry[] = sortedFiles.map((f, i) => ({ name: "." + f.path, data: f.directory ? new Uint8Array() : f.data, mode: modeOf(f), mtime: meta.buildTime, ino: i + 1 }));
  const cpio = cpioArchive(cpioEntries);
  const payload = gzipSync(cpio, { level: 9 });
  const requires = [...meta.requires.map((r) => ({ ...r })), ...RPMLIB_REQUIRES.map((r) => ({ ...r, flags: RPMSENSE.LESS | RPMSENSE.EQUAL | RPMSENSE.RPMLIB }))].sort((a, b) => (a.name < b.name ? -1 : 1));
  const fileSize = (f: RpmFile) => (f.directory ? 4096 : f.data.length);

  const tags = new Map<number, Value>([
    [RPM_TAG.HEADERI18NTABLE, strs(["C"])],
    [RPM_TAG.NAME, str(meta.name)],
    [RPM_TAG.VERSION, str(meta.version)],
    [RPM_TAG.RELEASE, str(meta.release)],
    [RPM_TAG.SUMMARY, i18n(meta.summary)],
    [RPM_TAG.DESCRIPTION, i18n(meta.description)],
    [RPM_TAG.BUILDTIME, int32([meta.buildTime])],
    [RPM_TAG.BUILDHOST, str(meta.buildHost ?? "talon")],
    [RPM_TAG.SIZE, int32([sortedFiles.reduce((n, f) => n + fileSize(f), 0)])],
    [RPM_TAG.LICENSE, str(meta.license ?? "Proprietary")],
    [RPM_TAG.GROUP, i18n(meta.group ?? "Unspecified")],
    [RPM_TAG.OS, str("linux")],
    [RPM_TAG.ARCH, str(meta.arch)],
    [RPM_TAG.FILESIZES, int32(sortedFiles.map(fileSize))],
    [RPM_TAG.FILEMODES, int16(sortedFiles.map(modeOf))],
    [RPM_TAG.FILERDEVS, int16(sortedFiles.map(() => 0))],
    [RPM_TAG.FILEMTIMES, int32(sortedFiles.map(() => meta.buildTime))],
    [RPM_TAG.FILEDIGESTS, strs(sortedFiles.map((f) => (f.directory ? "" : createHash("sha256").update(f.data).digest("hex"))))],
    [RPM_TAG.FILELINKTOS, strs(sortedFiles.map(() => ""))],
    [RPM_TAG.FILEFLAGS, int32(sortedFiles.map(() => 0))],
    [RPM_TAG.FILEUSERNAME, strs(sortedFiles.map(() => "root"))],
    [RPM_TAG.FILEGROUPNAME, strs(sortedFiles.map(() => "root"))],
    [RPM_TAG.PROVIDENAME, strs([meta.name])],
    [RPM_TAG.PROVIDEFLAGS, int32([RPMSENSE.EQUAL])],
    [RPM_TAG.PROVIDEVERSION, strs([`${meta.version}-${meta.release}`])],
    [RPM_TAG.REQUIRENAME, strs(requires.map((r) => r.name))],
    [RPM_TAG.REQUIREFLAGS, int32(requires.map((r) => r.flags))],
    [RPM_TAG.REQUIREVERSION, strs(requires.map((r) => r.version))],
    [RPM_TAG.FILEDEVICES, int32(sortedFiles.map(() => 1))],
    [RPM_TAG.FILEINODES, int32(sortedFiles.map((_, i) => i + 1))],
    [RPM_TAG.FILELANGS, strs(sortedFiles.map(() => ""))],
    [RPM_TAG.DIRINDEXES, int32(dirIndexes)],
    [RPM_TAG.BASENAMES, strs(basenames)],
    [RPM_TAG.DIRNAMES, strs(dirnames)],
    [RPM_TAG.PAYLOADFORMAT, str("cpio")],
    [RPM_TAG.PAYLOADCOMPRESSOR, str("gzip")],
    [RPM_TAG.PAYLOADFLAGS, str("9")],
    [RPM_TAG.FILEDIGESTALGO, int32([8])], // PGPHASHALGO_SHA256
  ]);
  if (meta.vendor) tags.set(RPM_TAG.VENDOR, str(meta.vendor));
  if (meta.packager) tags.set(RPM_TAG.PACKAGER, str(meta.packager));
  if (meta.url) tags.set(RPM_TAG.URL, str(meta.url));
  const scripts: [keyof RpmMetadata["scripts"], number, number][] = [
    ["prein", RPM_TAG.PREIN, RPM_TAG.PREINPROG],
    ["postin", RPM_TAG.POSTIN, RPM_TAG.POSTINPROG],
    ["preun", RPM_TAG.PREUN, RPM_TAG.PREUNPROG],
    ["postun", RPM_TAG.POSTUN, RPM_TAG.POSTUNPROG],
  ];
  for (const [key, tag, prog] of scripts) {
    const body = meta.scripts[key];
    if (!body) continue;
    tags.set(tag, str(body));
    tags.set(prog, str("/bin/sh"));
  }
  const header = rpmHeader(tags, RPM_TAG.HEADERIMMUTABLE);

  const signature = rpmHeader(
    new Map<number, Value>([
      [RPM_TAG.SIG_SHA1, str(createHash("sha1").update(header).digest("hex"))],
      [RPM_TAG.SIG_SHA256, str(createHash("sha256").update(header).digest("hex"))],
      [RPM_TAG.SIG_SIZE, int32([header.length + payload.length])],
      [RPM_TAG.SIG_MD5, { type: RPM_TYPE.BIN, value: createHash("md5").update(header).update(payload).digest() }],
      [RPM_TAG.SIG_PAYLOADSIZE, int32([cpio.length])],
    ]),
    RPM_TAG.HEADERSIGNATURES,
  );
  const sigPad = Buffer.alloc((8 - (signature.length % 8)) % 8);
  return Buffer.concat([lead(`${meta.name}-${meta.version}-${meta.release}`), signature, sigPad, header, payload]);
}
