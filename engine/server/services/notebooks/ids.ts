// Notebook and cell ids in Velociraptor's shape: a prefix plus 13 base32hex characters over 8
// bytes whose first 4 are the big-endian Unix time, so ids sort roughly by creation time.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

function base32hex(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function newId(prefix: "N." | "NC.", now: Date): string {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setUint32(0, Math.floor(now.getTime() / 1000));
  bytes.set(randomBytes(4), 4);
  return prefix + base32hex(bytes);
}

const NOTEBOOK_ID = /^N\.[0-9A-V]{13}$/;
const CELL_ID = /^NC\.[0-9A-V]{13}$/;

export function isNotebookId(id: string): boolean {
  return NOTEBOOK_ID.test(id);
}

export function isCellId(id: string): boolean {
  return CELL_ID.test(id);
}
