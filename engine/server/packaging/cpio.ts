// The cpio "newc" archive (SVR4 without CRC, magic 070701) an RPM carries as its payload: per
// entry a 110-byte ASCII header of thirteen 8-digit hex fields, the NUL-terminated name padded to
// 4 bytes, the data padded to 4 bytes; then the `TRAILER!!!` entry. Written here: npm's cpio
// packages only read, or are unmaintained.
export interface CpioEntry {
  /** As RPM stores it: `./usr/lib/...`. */
  name: string;
  data: Uint8Array;
  /** Full st_mode (type bits included). */
  mode: number;
  mtime: number;
  ino: number;
}

const hex = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);

function header(e: { name: string; size: number; mode: number; mtime: number; ino: number; nlink: number }): Buffer {
  const nameLen = Buffer.byteLength(e.name) + 1;
  const h = "070701" + [e.ino, e.mode, 0, 0, e.nlink, e.mtime, e.size, 0, 0, 0, 0, nameLen, 0].map(hex).join("");
  const head = Buffer.concat([Buffer.from(h, "latin1"), Buffer.from(e.name + "\0", "utf8")]);
  return Buffer.concat([head, pad4(head.length)]);
}

export function cpioArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header({ name: e.name, size: e.data.length, mode: e.mode, mtime: e.mtime, ino: e.ino, nlink: 1 }), Buffer.from(e.data), pad4(e.data.length));
  }
  parts.push(header({ name: "TRAILER!!!", size: 0, mode: 0, mtime: 0, ino: 0, nlink: 1 }));
  return Buffer.concat(parts);
}
