// Decoding of literal token text: strings (byte semantics of vfilter's utils.Unquote),
// backtick names (Go UnquoteChar rules of utils.Unquote_ident) and numbers (ParseInt base 0,
// then ParseFloat). Pure functions over token text; no grammar knowledge.

const encoder = new TextEncoder();
const lossy = new TextDecoder("utf-8");
const strict = new TextDecoder("utf-8", { fatal: true });

export interface DecodedString {
  quote: "'" | '"' | "'''";
  /** Decoded bytes as a binary string (one code unit per byte). */
  bytes: string;
  /** The bytes read as UTF-8 (U+FFFD for invalid sequences). */
  value: string;
  isUtf8: boolean;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Decodes a string token (`'...'`, `"..."`, `'''...'''`) exactly like vfilter's Unquote. */
export function decodeString(raw: string): DecodedString {
  if (raw.startsWith("'''") && raw.endsWith("'''") && raw.length >= 6) {
    return finish("'''", encoder.encode(raw.slice(3, -3)));
  }
  const quote = raw[0] === '"' ? '"' : "'";
  const input = encoder.encode(raw.slice(1, -1));
  const out = new Uint8Array(input.length);
  const end = input.length - 1;
  let i = 0;
  let j = 0;
  while (i <= end) {
    const c = input[i]!;
    if (c !== 92) {
      out[j++] = c;
      i++;
      continue;
    }
    if (i >= end) break; // lone trailing backslash ends the string
    const e = input[i + 1]!;
    if (e === 120 || e === 88) {
      if (i > end - 3) break; // truncated \x ends the string
      const hi = hexVal(input[i + 2]!);
      const lo = hexVal(input[i + 3]!);
      if (hi < 0 || lo < 0) {
        // vfilter copies input[j] (not input[i]) here; reproduced for identical bytes.
        out[j] = input[j]!;
        i++;
        j++;
      } else {
        out[j++] = (hi << 4) | lo;
        i += 4;
      }
      continue;
    }
    out[j++] = e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e;
    i += 2;
  }
  return finish(quote, out.subarray(0, j));
}

function finish(quote: DecodedString["quote"], bytes: Uint8Array): DecodedString {
  let bin = "";
  for (let k = 0; k < bytes.length; k += 8192) {
    bin += String.fromCharCode(...bytes.subarray(k, k + 8192));
  }
  let isUtf8 = true;
  let value: string;
  try {
    value = strict.decode(bytes);
  } catch {
    isUtf8 = false;
    value = lossy.decode(bytes);
  }
  return { quote, bytes: bin, value, isUtf8 };
}

/**
 * Decodes a name token like vfilter's Unquote_ident: plain names are returned as is; backticked
 * names lose their backticks and Go escapes are interpreted. On a bad escape vfilter returns the
 * undecoded remainder (dropping what was decoded so far); reproduced here.
 */
export function unquoteIdent(raw: string): string {
  if (raw === "" || raw[0] !== "`") return raw;
  let s = raw.slice(1, -1);
  let out = "";
  while (s !== "") {
    const r = unquoteChar(s);
    if (!r) return s;
    out += r.value;
    s = s.slice(r.length);
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };

/** Go strconv.UnquoteChar with quote = backtick. Returns undefined on a syntax error. */
function unquoteChar(s: string): { value: string; length: number } | undefined {
  if (s[0] !== "\\") {
    const cp = s.codePointAt(0)!;
    return { value: String.fromCodePoint(cp), length: cp > 0xffff ? 2 : 1 };
  }
  if (s.length <= 1) return undefined;
  const e = s[1]!;
  if (e in SIMPLE_ESCAPES) return { value: SIMPLE_ESCAPES[e]!, length: 2 };
  if (e === "x" || e === "u" || e === "U") {
    const n = e === "x" ? 2 : e === "u" ? 4 : 8;
    const digits = s.slice(2, 2 + n);
    if (digits.length < n || !/^[0-9a-fA-F]+$/.test(digits)) return undefined;
    const v = parseInt(digits, 16);
    if (e !== "x" && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) return undefined;
    return { value: String.fromCodePoint(v), length: 2 + n };
  }
  if (e >= "0" && e <= "7") {
    const digits = s.slice(1, 4);
    if (!/^[0-7]{3}$/.test(digits)) return undefined;
    const v = parseInt(digits, 8);
    if (v > 255) return undefined;
    return { value: String.fromCharCode(v), length: 4 };
  }
  return undefined;
}

export interface DecodedNumber {
  value: number;
  isInt: boolean;
  /** Exact decimal text when the int64 is outside the JS safe range. */
  int64?: string;
  /** False when neither int64 nor a finite float64 (vfilter logs "Unable to parse"). */
  ok: boolean;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Converts a number token like vfilter: strconv.ParseInt(s, 0, 64), then ParseFloat(s, 64). */
export function decodeNumber(raw: string): DecodedNumber {
  const neg = raw.startsWith("-");
  const body = neg ? raw.slice(1) : raw;
  let big: bigint | undefined;
  if (/^0x[0-9a-fA-F]+$/.test(body)) big = BigInt(body);
  else if (/^0[0-7]+$/.test(body)) big = BigInt("0o" + body.slice(1));
  else if (/^(0|[1-9][0-9]*)$/.test(body)) big = BigInt(body);
  if (big !== undefined) {
    if (neg) big = -big;
    if (big >= INT64_MIN && big <= INT64_MAX) {
      const value = Number(big);
      const result: DecodedNumber = { value, isInt: true, ok: true };
      if (!Number.isSafeInteger(value)) result.int64 = big.toString();
      return result;
    }
  }
  if (body.startsWith("0x")) return { value: NaN, isInt: false, ok: false };
  const f = Number(raw);
  return { value: f, isInt: false, ok: Number.isFinite(f) };
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits, never an exponent. */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  const sign = f < 0 || Object.is(f, -0) ? "-" : "";
  const s = Math.abs(f).toString();
  const m = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return sign + s;
  const digits = m[1]! + (m[2] ?? "");
  const exp = Number(m[3]) - (m[2]?.length ?? 0);
  if (exp >= 0) return sign + digits + "0".repeat(exp);
  const point = digits.length + exp;
  if (point > 0) return sign + digits.slice(0, point) + "." + digits.slice(point);
  return sign + "0." + "0".repeat(-point) + digits;
}

/** How vfilter prints a number literal in column names: ints in decimal, floats always with a point. */
export function formatNumberLiteral(value: number, isInt: boolean, int64?: string): string {
  if (isInt) return int64 ?? String(value);
  const s = formatGoFloat(value);
  return s.includes(".") ? s : s + ".0";
}

/** Splits a dotted symbol into decoded parts, honouring backticks (vfilter SplitIdent semantics per part). */
export function splitDotted(raw: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (const ch of raw) {
    if (quoted) {
      if (ch === "`") quoted = false;
      else cur += ch;
    } else if (ch === "`") quoted = true;
    else if (ch === ".") {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}
