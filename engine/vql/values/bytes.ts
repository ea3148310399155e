/**
 * Byte strings. VQL strings are Go byte strings; we keep valid UTF-8 text as JS strings and use
 * `Bytes` only for byte sequences that are not valid UTF-8 (e.g. the literal "\xf0"). Owns the
 * UTF-8 helpers (length, encode, decode); no protocol logic.
 */

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/** A byte string that is not valid UTF-8. Immutable by convention. */
export class Bytes {
  constructor(readonly bytes: Uint8Array) {}
  get length(): number {
    return this.bytes.length;
  }
  /** Text form with invalid sequences replaced by U+FFFD (what Go's JSON encoder does). */
  toString(): string {
    return lossyDecoder.decode(this.bytes);
  }
}

/** Either a JS string (valid UTF-8 text) or Bytes. */
export type ByteString = string | Bytes;

export function isByteString(v: unknown): v is ByteString {
  return typeof v === "string" || v instanceof Bytes;
}

/** True when every UTF-16 unit is ASCII (then bytes = chars). */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Number of UTF-8 bytes of a JS string, without allocating. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Raw bytes of a byte string. */
export function bytesOf(v: ByteString): Uint8Array {
  return typeof v === "string" ? encoder.encode(v) : v.bytes;
}

/** Byte length of a byte string. */
export function byteLength(v: ByteString): number {
  return typeof v === "string" ? utf8Length(v) : v.bytes.length;
}

/** Bytes back to a value: a JS string when valid UTF-8, else Bytes. */
export function fromBytes(b: Uint8Array): ByteString {
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if (b[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    let s = "";
    for (let i = 0; i < b.length; i += 4096) {
      s += String.fromCharCode(...b.subarray(i, Math.min(b.length, i + 4096)));
    }
    return s;
  }
  try {
    return strictDecoder.decode(b);
  } catch {
    return new Bytes(b.slice());
  }
}

/** Text of a byte string with invalid sequences replaced (for display and string args). */
export function textOf(v: ByteString): string {
  return typeof v === "string" ? v : v.toString();
}

/** Latin-1 style: each byte one char (for hex/escape printing of raw bytes). */
export function bytesToBinaryString(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Concatenation of byte strings (stays a JS string when both are strings). */
export function concatByteStrings(a: ByteString, b: ByteString): ByteString {
  if (typeof a === "string" && typeof b === "string") return a + b;
  const x = bytesOf(a);
  const y = bytesOf(b);
  const out = new Uint8Array(x.length + y.length);
  out.set(x, 0);
  out.set(y, x.length);
  return fromBytes(out);
}

/** Bytewise comparison (UTF-8 order) of two byte strings: negative, zero or positive. */
export function compareByteStrings(a: ByteString, b: ByteString): number {
  if (typeof a === "string" && typeof b === "string") return compareUtf8(a, b);
  const x = bytesOf(a);
  const y = bytesOf(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * Compares JS strings in UTF-8 byte order, which equals code point order. UTF-16 unit order
 * differs only when a surrogate meets a unit in U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      const xs = x <= 0xdfff;
      const ys = y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
    }
    return x - y;
  }
  return a.length - b.length;
}
