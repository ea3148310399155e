/**
 * The parsers of Velociraptor's profile language (vtypes): integers and floats, String, Array,
 * Enumeration, BitField, Flags, Value, Union, Pointer, Profile, the timestamps (Timestamp,
 * WinFileTime, FatTimestamp), leb128/sleb128 and structs. Each is built once from its options
 * (errors are ProfileErrors naming the option) and parses any number of values.
 */
import { fromBytes, utf8Encode } from "@/engine/vql/values/bytes";
import { toVqlString } from "@/engine/vql/values/stringify";
import { Timestamp } from "@/engine/vql/values/timestamp";
import { evalInt, evalLambda, evalString, readAt, spend, staticSize, toInt, type ParseEnv, type Parser } from "./env";
import { ArrayObject, StructObject, VarInt, sizeOfValue } from "./objects";
import { Options, ProfileError, checkLambda, type Opts } from "./options";

/** What the parsers need of the profile: a type by name, built with options. */
export interface TypeSource {
  /** Throws a ProfileError; `notFound` is set when no type has that name. */
  get(name: string, options: Opts | undefined): Parser;
}

export class NotFoundError extends ProfileError {}

/** A type resolved when the profile loads, or when first used if it is not known then. */
class Deferred {
  private parser: Parser | undefined;
  private failed = false;
  constructor(
    private readonly types: TypeSource,
    readonly name: string,
    private readonly options: Opts | undefined,
    who: string,
  ) {
    try {
      this.parser = types.get(name, options);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw new ProfileError(`${who}: ${(e as Error).message}`);
    }
  }
  known(): Parser | undefined {
    return this.parser;
  }
  resolve(env: ParseEnv, who: string): Parser | undefined {
    if (this.parser || this.failed) return this.parser;
    try {
      this.parser = this.types.get(this.name, this.options);
    } catch (e) {
      this.failed = true;
      env.ctx.log("ERROR", `parse_binary: ${who}: ${(e as Error).message}`);
    }
    return this.parser;
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers

type Decode = (b: Uint8Array) => number;

export class IntParser implements Parser {
  constructor(
    readonly name: string,
    private readonly bytes: number,
    private readonly decode: Decode,
  ) {}
  size(): number {
    return this.bytes;
  }
  async parse(env: ParseEnv, offset: number): Promise<unknown> {
    spend(env);
    const { buf, got } = readAt(env, offset, 8);
    return got === 0 ? 0 : this.decode(buf);
  }
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** The integer and float types (vtypes AddModel, with its aliases). */
export function numberTypes(): Map<string, IntParser> {
  const m = new Map<string, IntParser>();
  const add = (name: string, n: number, d: Decode) => m.set(name, new IntParser(name, n, d));
  for (const be of [false, true]) {
    const le = !be;
    const sfx = be ? "b" : "";
    add(`uint8${sfx}`, 1, (b) => b[0]!);
    add(`int8${sfx}`, 1, (b) => view(b).getInt8(0));
    add(`uint16${sfx}`, 2, (b) => view(b).getUint16(0, le));
    add(`int16${sfx}`, 2, (b) => view(b).getInt16(0, le));
    add(`uint32${sfx}`, 4, (b) => view(b).getUint32(0, le));
    add(`int32${sfx}`, 4, (b) => view(b).getInt32(0, le));
    add(`uint64${sfx}`, 8, (b) => Number(view(b).getBigUint64(0, le)));
    add(`int64${sfx}`, 8, (b) => Number(view(b).getBigInt64(0, le)));
  }
  m.delete("int8b");
  add("int8b", 1, (b) => view(b).getInt8(0));
  add("uint16be", 2, (b) => view(b).getUint16(0, false));
  add("uint32be", 4, (b) => view(b).getUint32(0, false));
  add("uint64be", 8, (b) => Number(view(b).getBigUint64(0, false)));
  add("float64", 8, (b) => view(b).getFloat64(0, true));
  add("float64be", 8, (b) => view(b).getFloat64(0, false));
  const alias = (a: string, t: string) => m.set(a, m.get(t)!);
  alias("int", "int32");
  alias("char", "int8");
  alias("byte", "uint8");
  alias("short int", "int16");
  alias("unsigned char", "uint8");
  alias("unsigned int", "uint32");
  alias("unsigned long", "uint32");
  alias("unsigned long long", "uint64");
  alias("unsigned short", "uint16");
  return m;
}

/** leb128 / sleb128: variable-length integers as in protobuf. */
export class Leb128Parser implements Parser {
  constructor(
    readonly name: string,
    private readonly signed: boolean,
  ) {}
  async parse(env: ParseEnv, offset: number): Promise<unknown> {
    spend(env);
    const { buf, got } = readAt(env, offset, 10);
    if (got === 0) return 0;
    let v = 0n;
    let i = 0;
    for (; i < buf.length; i++) {
      v |= BigInt(buf[i]! & 0x7f) << BigInt(i * 7);
      if ((buf[i]! & 0x80) === 0) break;
    }
    const size = Math.min(i + 1, buf.length);
    v = BigInt.asUintN(64, v);
    return new VarInt(Number(this.signed ? BigInt.asIntN(64, v) : v), offset, size);
  }
}

// ---------------------------------------------------------------------------------------------
// Strings

function utf16le(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    out[2 * i] = s.charCodeAt(i) & 0xff;
    out[2 * i + 1] = s.charCodeAt(i) >> 8;
  }
  return out;
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array, step: number): number {
  outer: for (let i = 0; i < hay.length; i += step) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const utf16Decoder = new TextDecoder("utf-16le");

export class StringParser implements Parser {
  readonly name = "String";
  private readonly length?: number;
  private readonly lengthExpr?: string;
  private readonly maxLength: number;
  private readonly term?: string;
  private readonly termExpr?: string;
  private readonly utf16: boolean;

  constructor(o: Options) {
    const len = o.intOrLambda("length");
    this.length = len.n;
    this.lengthExpr = len.lambda;
    this.maxLength = o.int("max_length") || 1024;
    const term = o.strOrLambda("term");
    this.term = term.s;
    this.termExpr = term.lambda ?? o.lambda("term_exp");
    const hex = o.strictStr("term_hex");
    if (hex !== undefined) {
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new ProfileError(`String: option \`term_hex\` is not hex: ${hex}`);
      let t = "";
      for (let i = 0; i < hex.length; i += 2) t += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
      this.term = t;
      this.termHex = true;
    }
    const enc = o.str("encoding") ?? "";
    if (enc !== "" && enc !== "utf8" && enc !== "utf16") throw new ProfileError("String: encoding can only be utf8 or utf16");
    this.utf16 = enc === "utf16";
    o.bool("byte_string");
    o.done();
  }
  private termHex = false;

  private async count(env: ParseEnv, self: unknown): Promise<number> {
    let n = this.lengthExpr !== undefined ? await evalInt(env, this.lengthExpr, self) : (this.length ?? 1024);
    if (n > this.maxLength) n = this.maxLength;
    return Math.max(0, n);
  }

  private async termBytes(env: ParseEnv, self: unknown): Promise<Uint8Array> {
    let term = "\x00";
    if (this.termExpr !== undefined) term = await evalString(env, this.termExpr, self);
    if (this.term !== undefined) term = this.term;
    if (this.utf16) return utf16le(term);
    // term_hex gives bytes; other terminators are text (their UTF-8 bytes).
    return this.termHex ? Uint8Array.from(term, (c) => c.charCodeAt(0)) : utf8Encode(term);
  }

  /** The bytes read and where the terminator was (-1: none). */
  private async scan(env: ParseEnv, offset: number, self: unknown): Promise<{ data: Uint8Array; at: number; term: number }> {
    const n = await this.count(env, self);
    const { buf, got } = readAt(env, offset, n);
    const data = buf.subarray(0, got);
    const term = await this.termBytes(env, self);
    const at = term.length ? indexOfBytes(data, term, this.utf16 ? 2 : 1) : -1;
    return { data, at, term: term.length };
  }

  async instanceSize(env: ParseEnv, offset: number, self: unknown): Promise<number> {
    const s = await this.scan(env, offset, self);
    return s.at >= 0 ? s.at + s.term : s.data.length;
  }

  async parse(env: ParseEnv, offset: number, self: unknown): Promise<unknown> {
    spend(env);
    const s = await this.scan(env, offset, self);
    const data = s.at >= 0 ? s.data.subarray(0, s.at) : s.data;
    if (this.utf16) return utf16Decoder.decode(data.subarray(0, data.length & ~1));
    return fromBytes(data);
  }
}

// ---------------------------------------------------------------------------------------------
// Containers and choices

export class ArrayParser implements Parser {
  readonly name = "Array";
  private readonly inner: Deferred;
  private readonly count: number;
  private readonly countExpr?: string;
  private readonly maxCount: number;
  private readonly sentinel?: string;

  constructor(types: TypeSource, o: Options) {
    o.required("type");
    const type = o.str("type") ?? "";
    const c = o.intOrLambda("count");
    this.count = c.n ?? 0;
    this.countExpr = c.lambda;
    this.maxCount = o.int("max_count") || 1000;
    this.sentinel = o.lambda("sentinel");
    const topts = o.map("type_options");
    o.done();
    this.inner = new Deferred(types, type, topts, "ArrayParser");
  }

  async parse(env: ParseEnv, offset: number, self: unknown): Promise<unknown> {
    let n = this.countExpr !== undefined ? await evalInt(env, this.countExpr, self) : this.count;
    if (n > this.maxCount) n = this.maxCount;
    const parser = this.inner.resolve(env, "ArrayParser");
    if (!parser) return null;
    const items: unknown[] = [];
    let at = 0;
    for (let i = 0; i < n; i++) {
      spend(env);
      const el = await parser.parse(env, offset + at, self);
      if (this.sentinel !== undefined && (await env.ctx.isTruthy(await evalLambda(env, this.sentinel, el)))) break;
      const size = staticSize(parser) || (await sizeOfValue(el));
      if (size === 0) break;
      items.push(el);
      at += size;
    }
    return new ArrayObject(items, offset, at);
  }
}

/** The integer an underlying type gives (NULL when it gives none). */
async function intOf(p: Parser, env: ParseEnv, offset: number, self: unknown): Promise<number | null> {
  const v = await p.parse(env, offset, self);
  if (v instanceof VarInt) return v.value;
  return typeof v === "number" || typeof v === "boolean" ? toInt(v) : null;
}

function hex(v: number): string {
  return v < 0 ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

export class EnumerationParser implements Parser {
  readonly name = "Enumeration";
  private readonly inner: Deferred;
  private readonly choices = new Map<number, string>();

  constructor(types: TypeSource, o: Options) {
    o.required("type");
    const type = o.str("type") ?? "";
    const topts = o.map("type_options");
    const choices = o.map("choices");
    const map = o.map("map");
    o.done();
    for (const [k, v] of Object.entries(choices ?? {})) {
      const i = parseGoInt(k);
      if (i === undefined) throw new ProfileError(`Enumeration: choices should map numbers to strings (not ${k})`);
      if (typeof v !== "string") throw new ProfileError(`Enumeration: choices should map numbers to strings (${k})`);
      this.choices.set(i, v);
    }
    for (const [k, v] of Object.entries(map ?? {})) {
      if (typeof v !== "number") throw new ProfileError(`Enumeration: map should map strings to numbers (${k})`);
      this.choices.set(Math.trunc(v), k);
    }
    this.inner = new Deferred(types, type, topts, "EnumerationParser");
  }

  async parse(env: ParseEnv, offset: number, self: unknown): Promise<unknown> {
    const p = this.inner.resolve(env, "EnumerationParser");
    if (!p) return null;
    const v = await intOf(p, env, offset, self);
    if (v === null) return null;
    return this.choices.get(v) ?? hex(v);
  }
}

/** strconv.ParseInt(k, 0, 64): decimal, 0x hex, 0o/leading-0 octal, 0b binary, with a sign. */
function parseGoInt(k: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[1-9][0-9_]*|0)$/.exec(k.trim());
  if (!m) return undefined;
  let body = m[2]!.replace(/_/g, "");
  if (/^0[0-7]/.test(body)) body = "0o" + body.slice(1);
  const n = Number(body);
  return m[1] === "-" ? -n : n;
}

export class BitFieldParser implements Parser {
  readonly name = "BitField";
  private readonly inner: Parser;
  private readonly start: number;
  private readonly end: number;

  constructor(types: TypeSource, o: Options) {
    o.required("type");
    const type = o.str("type") ?? "";
    this.start = o.int("start_bit") ?? 0;
    this.end = o.int("end_bit") || 64;
    o.done();
    if (this.start < 0 || this.start > 64) throw new ProfileError("BitField start_bit should be between 0-64");
    if (this.end < 0 || this.end > 64) throw new ProfileError("BitField end_bit should be between 0-64");
    if (this.end <= this.start) throw new ProfileError(`BitField end_bit (${this.end}) should be larger than start_bit (${this.start})`);
    this.inner = types.get(type, undefined);
  }

  async parse(env: ParseEnv, offset: number, self: unknown): Promise<unknown> {
    const v = await intOf(this.inner, env, offset, self);
    if (v === null) return 0;
    const x = BigInt.asIntN(64, BigInt(v));
    const mask = ((1n << BigInt(this.end)) - 1n) ^ ((1n << BigInt(this.start)) - 1n);
    return Number(BigInt.asIntN(64, x & mask) >> BigInt(this.start));
  }
}

export class FlagsParser implements Parser {
  readonly name = "Flags";
  private readonly inner: Parser;
  private readonly bits: [bigint, string][] = [];

  constructor(types: TypeSource, o: Options) {
    o.required("type");
    o.required("bitmap");
    const type = o.str("type") ?? "";
    const topts = o.map("type_options");
    const bitmap = o.map("bitmap") ?? {};
    o.done();
    for (const [name, idx] of Object.entries(bitmap)) {
      if (typeof idx !== "number" || !Number.isInteger(idx) || idx < 0 || idx >= 64) {
        throw new ProfileError(`Flags: bitmap bit numbers should be between 0 and 63 (${name})`);
      }
      this.bits.push([1n << BigInt(idx), name]);
    }
    this.inner = types.get(type, topts);
  }

  async parse(env: ParseEnv, offset: number, self: unknown): Promise<unknown> {
    const v = await intOf(this.inner, env, offset, self);
    if (v === null) return [];
    const x = BigInt.asUintN(64, BigInt(v));
    const out = this.bits.filter(([b]) => (x & b) !== 0n).map(([, n]) => n);
    return out.sort();
  }
}

export class ValueParser implements Parser {
  readonly name = "Value";
  private readonly expr?: string;
  private readonly value: unknown;

  constructor(o: Options) {
    const v = o.raw("value");
    o.done();
    if (v === undefined || v === null) throw new ProfileError("Value parser must specify a value");
    if (typeof v === "string" && v.includes("=>")) this.expr = checkLambda(v, "Value option `value`");
    else this.value = v;
  }

  async parse(env: ParseEnv, _offset: number, self: unknown): Promise<unknown> {
    spend(env);
    if (this.expr !== undefined) return self === undefined ? null : evalLambda(env, this.expr, self);
    return this.value;
  }
}

export class UnionParser implements Parser {
  readonly name = "Union";
  private readonly selector: string;
  private readonly names: [string, string][];
  private choices: Map<string, Parser> | undefined;

  constructor(
    private readonly types: TypeSource,
    o: Options,
  ) {
    o.required("selector");
    o.required("choices");
    this.selector = o.lambda("selector")!;
    const choices = o.map("choices") ?? {};
    o.done();
    this.names = Object.entries(choices).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : []));
  }

  async parse(env: ParseEnv, offset: number, self: unknown): Promise<unknown> {
    if (!this.choices) {
      this.choices = new Map();
      for (const [k, name] of this.names) {
        try {
          this.choices.set(k, this.types.get(name, {}));
        } catch (e) {
          env.ctx.log("ERROR", `parse_binary: Union: ${(e as Error).message}`);
        }
      }
    }
    const v = await evalLambda(env, this.selector, self);
    if (v === null || v === undefined) return null;
    const p = this.choices.get(toVqlString(v)) ?? this.choices.get("default");
    return p ? p.parse(env, offset, self) : null;
  }
}

export class PointerParser implements Parser {
  readonly name = "Pointer";
  private readonly inner: Deferred;
  constructor(types: TypeSource, o: Options) {
    o.required("type");
    const type = o.str("type") ?? "";
    const topts = o.map("type_options");
    o.done();
    this.inner = new Deferred(types, type, topts, "PointerParser");
  }
  async parse(env: ParseEnv, offset: number, self: unknown): Promise<unknown> {
    spend(env);
    const p = this.inner.resolve(env, "PointerParser");
    if (!p) return null;
    const { buf, got } = readAt(env, offset, 8);
    if (got === 0) return null;
    return p.parse(env, Number(view(buf).getBigUint64(0, true)), self);
  }
}

/** `Profile`: a type at an absolute offset computed by a lambda. */
export class ProfileParser implements Parser {
  readonly name = "Profile";
  private readonly inner: Deferred;
  private readonly offset: string;
  constructor(types: TypeSource, o: Options) {
    o.required("type");
    const type = o.str("type") ?? "";
    const topts = o.map("type_options");
    const off = o.str("offset");
    o.done();
    if (!off) throw new ProfileError("Profile offset must be specified.");
    this.offset = checkLambda(off, "Profile option `offset`");
    this.inner = new Deferred(types, type, topts, "ProfileParser");
  }
  async parse(env: ParseEnv, _offset: number, self: unknown): Promise<unknown> {
    const p = this.inner.resolve(env, "ProfileParser");
    if (!p) return null;
    return p.parse(env, await evalInt(env, this.offset, self), self);
  }
}

// ---------------------------------------------------------------------------------------------
// Timestamps

/** Go's time.Time JSON range: years 0..9999. */
const MIN_SEC = -62167219200;
const MAX_SEC = 253402300799;

export class TimestampParser implements Parser {
  private readonly inner: Deferred;
  private readonly factor: number;
  constructor(
    types: TypeSource,
    o: Options,
    readonly name: "Timestamp" | "WinFileTime",
  ) {
    const type = o.str("type") || "uint64";
    const topts = o.map("type_options");
    this.factor = o.int("factor") || 1;
    o.done();
    this.inner = new Deferred(types, type, topts, name);
  }
  size(): number {
    const p = this.inner.known();
    return p ? staticSize(p) : 0;
  }
  async parse(env: ParseEnv, offset: number, self: unknown): Promise<unknown> {
    const p = this.inner.resolve(env, this.name);
    if (!p) return null;
    const v = await intOf(p, env, offset, self);
    if (v === null) return null;
    if (this.name === "WinFileTime") {
      return new Timestamp(Math.trunc(Math.trunc(v / this.factor) / 10_000_000) - 11644473600, 0);
    }
    // vtypes: time.Unix(value/factor, value%factor): the remainder is taken as nanoseconds.
    const sec = Math.trunc(v / this.factor);
    const t = new Timestamp(sec, v % this.factor);
    return t.sec < MIN_SEC || t.sec > MAX_SEC ? null : t;
  }
}

/** MS-DOS date and time (a uint32: date in the low 16 bits, time in the high). */
export class FatTimestampParser implements Parser {
  readonly name = "FatTimestamp";
  constructor(o: Options) {
    for (const k of Object.keys(o.o)) o.raw(k);
  }
  async parse(env: ParseEnv, offset: number): Promise<unknown> {
    spend(env);
    const { buf, got } = readAt(env, offset, 4);
    const v = got === 0 ? 0 : view(buf).getUint32(0, true);
    const date = v & 0xffff;
    const time = v >>> 16;
    const ms = Date.UTC(1980 + (date >> 9), ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2);
    return Timestamp.fromMillis(ms);
  }
}

// ---------------------------------------------------------------------------------------------
// Structs

export interface FieldDef {
  offset: number;
  offsetExpr?: string;
  parser?: Parser;
}

export class StructParser implements Parser {
  readonly fields = new Map<string, FieldDef>();
  readonly names: string[] = [];
  constructor(
    readonly name: string,
    /** The fixed size (0 when a lambda gives it, as in vtypes). */
    readonly fixedSize: number,
    readonly sizeExpr: string | undefined,
  ) {}
  size(): number {
    return this.fixedSize;
  }
  addField(name: string, f: FieldDef): void {
    if (!this.fields.has(name)) this.names.push(name);
    this.fields.set(name, f);
  }
  async parse(env: ParseEnv, offset: number): Promise<unknown> {
    spend(env);
    return new StructObject(this, env, offset);
  }
}
