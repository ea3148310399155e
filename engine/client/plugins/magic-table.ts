// magic(): a small signature table for common forensic file types (a stand-in for libmagic,
// which Velociraptor embeds): the description, MIME type and extension of the first match of a
// file's first bytes. Descriptions follow file(1)'s wording for these types.

export interface MagicResult {
  description: string;
  mime: string;
  extension: string;
}

type Sig = { test: (b: Buffer) => boolean; describe: (b: Buffer) => string; mime: string | ((b: Buffer) => string); extension: string };

const at = (b: Buffer, offset: number, bytes: number[] | string) => {
  const want = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : Buffer.from(bytes);
  return b.length >= offset + want.length && b.subarray(offset, offset + want.length).equals(want);
};

function elf(b: Buffer): string {
  const bits = b[4] === 2 ? "64-bit" : "32-bit";
  const endian = b[5] === 2 ? "MSB" : "LSB";
  const type = b.length >= 18 ? (b[5] === 2 ? b.readUInt16BE(16) : b.readUInt16LE(16)) : 0;
  const kind = ({ 1: "relocatable", 2: "executable", 3: "shared object", 4: "core file" } as Record<number, string>)[type] ?? "file";
  return `ELF ${bits} ${endian} ${kind}`;
}

function pe(b: Buffer): string {
  const off = b.length >= 0x40 ? b.readUInt32LE(0x3c) : 0;
  if (off && at(b, off, "PE\0\0") && b.length >= off + 26) {
    const magic = b.readUInt16LE(off + 24);
    const chars = b.readUInt16LE(off + 22);
    return `${magic === 0x20b ? "PE32+" : "PE32"} executable${chars & 0x2000 ? " (DLL)" : ""}`;
  }
  return "MS-DOS executable";
}

const SIGNATURES: Sig[] = [
  { test: (b) => at(b, 0, [0x7f, 0x45, 0x4c, 0x46]), describe: elf, mime: (b) => (b[16] === 3 ? "application/x-sharedlib" : "application/x-executable"), extension: "" },
  { test: (b) => at(b, 0, "MZ"), describe: pe, mime: "application/vnd.microsoft.portable-executable", extension: "exe" },
  { test: (b) => at(b, 0, [0xcf, 0xfa, 0xed, 0xfe]) || at(b, 0, [0xce, 0xfa, 0xed, 0xfe]), describe: () => "Mach-O executable", mime: "application/x-mach-binary", extension: "" },
  { test: (b) => at(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), describe: (b) => (b.length >= 24 ? `PNG image data, ${b.readUInt32BE(16)} x ${b.readUInt32BE(20)}` : "PNG image data"), mime: "image/png", extension: "png" },
  { test: (b) => at(b, 0, [0xff, 0xd8, 0xff]), describe: () => "JPEG image data", mime: "image/jpeg", extension: "jpeg" },
  { test: (b) => at(b, 0, "GIF87a") || at(b, 0, "GIF89a"), describe: (b) => `GIF image data, version ${b.subarray(3, 6).toString("latin1")}`, mime: "image/gif", extension: "gif" },
  { test: (b) => at(b, 0, "%PDF-"), describe: (b) => `PDF document, version ${/^%PDF-(\d\.\d)/.exec(b.subarray(0, 16).toString("latin1"))?.[1] ?? "?"}`, mime: "application/pdf", extension: "pdf" },
  { test: (b) => at(b, 0, "PK\x03\x04") || at(b, 0, "PK\x05\x06"), describe: () => "Zip archive data", mime: "application/zip", extension: "zip" },
  { test: (b) => at(b, 0, [0x1f, 0x8b]), describe: () => "gzip compressed data", mime: "application/gzip", extension: "gz" },
  { test: (b) => at(b, 0, "BZh"), describe: () => "bzip2 compressed data", mime: "application/x-bzip2", extension: "bz2" },
  { test: (b) => at(b, 0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), describe: () => "XZ compressed data", mime: "application/x-xz", extension: "xz" },
  { test: (b) => at(b, 0, [0x28, 0xb5, 0x2f, 0xfd]), describe: () => "Zstandard compressed data", mime: "application/zstd", extension: "zst" },
  { test: (b) => at(b, 0, "7z\xbc\xaf\x27\x1c"), describe: () => "7-zip archive data", mime: "application/x-7z-compressed", extension: "7z" },
  { test: (b) => at(b, 0, "Rar!\x1a\x07"), describe: () => "RAR archive data", mime: "application/x-rar", extension: "rar" },
  { test: (b) => at(b, 257, "ustar"), describe: () => "POSIX tar archive", mime: "application/x-tar", extension: "tar" },
  { test: (b) => at(b, 0, "SQLite format 3\0"), describe: () => "SQLite 3.x database", mime: "application/vnd.sqlite3", extension: "sqlite" },
  { test: (b) => at(b, 0, "ElfFile\0"), describe: () => "MS Windows Vista Event Log", mime: "application/octet-stream", extension: "evtx" },
  { test: (b) => at(b, 0, "regf"), describe: () => "MS Windows registry file, NT/2000 or above", mime: "application/octet-stream", extension: "" },
  { test: (b) => at(b, 0, [0x4c, 0, 0, 0, 0x01, 0x14, 0x02, 0]), describe: () => "MS Windows shortcut", mime: "application/octet-stream", extension: "lnk" },
  { test: (b) => at(b, 0, "MAM\x04") || at(b, 4, "SCCA"), describe: () => "MS Windows prefetch", mime: "application/octet-stream", extension: "pf" },
  { test: (b) => at(b, 0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), describe: () => "Composite Document File V2 Document", mime: "application/x-ole-storage", extension: "" },
  { test: (b) => at(b, 0, "LPKSHHRH"), describe: () => "Journal file", mime: "application/octet-stream", extension: "journal" },
  { test: (b) => at(b, 0, "#!"), describe: (b) => `${/^#!\s*(\S+)/.exec(b.subarray(0, 128).toString("latin1"))?.[1] ?? "a"} script, ASCII text executable`, mime: "text/x-shellscript", extension: "" },
];

function textKind(b: Buffer): MagicResult | undefined {
  if (b.includes(0)) return undefined;
  const ascii = b.every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));
  if (ascii) return { description: "ASCII text", mime: "text/plain", extension: "txt" };
  const utf8 = Buffer.from(b.toString("utf8"), "utf8").equals(b);
  // A cut multi-byte sequence at the end of the sample still counts as UTF-8.
  if (utf8 || Buffer.from(b.subarray(0, Math.max(0, b.length - 3)).toString("utf8"), "utf8").equals(b.subarray(0, Math.max(0, b.length - 3)))) return { description: "Unicode text, UTF-8 text", mime: "text/plain", extension: "txt" };
  return undefined;
}

/** How many leading bytes magic() reads. */
export const MAGIC_SAMPLE = 4096;

export function identify(sample: Buffer): MagicResult {
  if (sample.length === 0) return { description: "empty", mime: "inode/x-empty", extension: "" };
  for (const s of SIGNATURES) if (s.test(sample)) return { description: s.describe(sample), mime: typeof s.mime === "string" ? s.mime : s.mime(sample), extension: s.extension };
  return textKind(sample) ?? { description: "data", mime: "application/octet-stream", extension: "" };
}
