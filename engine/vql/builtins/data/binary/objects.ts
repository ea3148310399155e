/**
 * The lazy values parse_binary() builds while it parses (vtypes' StructObject, ArrayObject,
 * StructFieldReference and VarInt): a struct's fields are parsed when first read, so a profile's
 * lambdas may read any field of the struct (also ones defined after them), `ParentOf`, `SizeOf`,
 * `StartOf`, `EndOf` and `@Field` references. Also the hand-over to VQL (materialize): a struct
 * becomes a BinaryStruct dict whose `__` fields and pseudo members stay readable but are not
 * shown, an array a list.
 */
import { VQL_MEMBER, getMember, MISSING } from "@/engine/vql/values/access";
import { VQL_INDEX } from "@/engine/vql/values/host-ops";
import { Bytes, utf8Length } from "@/engine/vql/values/bytes";
import { OrderedDict, isPlainObject } from "@/engine/vql/values/ordered-dict";
import { BinaryError, evalInt, staticSize, type ParseEnv } from "./env";
import type { StructParser } from "./types";

/** A struct instance over the data at `offset`. */
export class StructObject {
  parent: StructObject | undefined;
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly pending = new Set<string>();

  constructor(
    readonly def: StructParser,
    readonly env: ParseEnv,
    readonly offset: number,
  ) {}

  hasField(name: string): boolean {
    return this.def.fields.has(name);
  }

  /** The field's offset relative to the struct. */
  async relOffset(name: string): Promise<number> {
    const f = this.def.fields.get(name)!;
    return f.offsetExpr === undefined ? f.offset : evalInt(this.env, f.offsetExpr, this);
  }

  /** The field's value (parsed once, when first read). */
  get(name: string): Promise<unknown> {
    const hit = this.cache.get(name);
    if (hit) {
      if (this.pending.has(name)) {
        this.env.ctx.log("ERROR", `parse_binary: ${this.def.name}.${name} depends on itself`);
        return Promise.resolve(null);
      }
      return hit;
    }
    this.pending.add(name);
    // Started after the cache holds it, so a lambda reading this same field is seen as a cycle.
    const p = Promise.resolve()
      .then(() => this.parseField(name))
      .finally(() => this.pending.delete(name));
    this.cache.set(name, p);
    return p;
  }

  private async parseField(name: string): Promise<unknown> {
    const f = this.def.fields.get(name)!;
    if (!f.parser) return null;
    const at = this.offset + (await this.relOffset(name));
    const v = await f.parser.parse(this.env, at, this);
    if (v instanceof StructObject) v.parent = this;
    else if (v instanceof ArrayObject) v.setParent(this);
    return v;
  }

  /** The field's size: the parser's fixed size, a string's bytes, else the parsed value's size. */
  async fieldSize(name: string): Promise<number> {
    const f = this.def.fields.get(name)!;
    if (!f.parser) return 0;
    const fixed = staticSize(f.parser);
    if (fixed) return fixed;
    if (f.parser.instanceSize) {
      const n = await f.parser.instanceSize(this.env, this.offset + (await this.relOffset(name)), this);
      if (n) return n;
    }
    return sizeOfValue(await this.get(name));
  }

  async size(): Promise<number> {
    return this.def.sizeExpr === undefined ? this.def.fixedSize : evalInt(this.env, this.def.sizeExpr, this);
  }

  /** `x.name` in a profile's lambdas (fields first, then the pseudo members). */
  [VQL_MEMBER](name: string): unknown {
    if (this.hasField(name)) return this.get(name);
    if (name.startsWith("@") && this.hasField(name.slice(1))) return new FieldReference(this, name.slice(1));
    switch (name) {
      case "SizeOf":
      case "Size":
        return this.size();
      case "StartOf":
      case "Start":
      case "OffsetOf":
        return this.offset;
      case "ParentOf":
      case "Parent":
        return this.parent ?? null;
      case "EndOf":
      case "End":
        return this.size().then((s) => this.offset + s);
    }
    return undefined;
  }
}

/** `x.@Field`: where a field is, rather than its value. */
export class FieldReference {
  constructor(
    readonly struct: StructObject,
    readonly field: string,
  ) {}

  value(): Promise<unknown> {
    return this.struct.get(this.field);
  }

  [VQL_MEMBER](name: string): unknown {
    const s = this.struct;
    switch (name) {
      case "SizeOf":
      case "Size":
        return s.fieldSize(this.field);
      case "StartOf":
      case "Start":
      case "OffsetOf":
        return s.relOffset(this.field).then((r) => s.offset + r);
      case "RelOffset":
        return s.relOffset(this.field);
      case "RelEndOf":
        return Promise.all([s.relOffset(this.field), s.fieldSize(this.field)]).then(([r, n]) => r + n);
      case "EndOf":
      case "End":
        return Promise.all([s.relOffset(this.field), s.fieldSize(this.field)]).then(([r, n]) => s.offset + r + n);
      case "Value":
        return this.value();
    }
    return undefined;
  }
}

/** An array of parsed items. */
export class ArrayObject {
  constructor(
    readonly items: unknown[],
    readonly offset: number,
    readonly size: number,
  ) {}

  setParent(p: StructObject): void {
    for (const e of this.items) if (e instanceof StructObject) e.parent = p;
  }

  [VQL_MEMBER](name: string): unknown {
    switch (name) {
      case "SizeOf":
        return this.size;
      case "StartOf":
        return this.offset;
      case "EndOf":
        return this.offset + this.size;
      case "ContentsOf":
        return this.items.map((x) => (x instanceof VarInt ? x.value : x));
      case "Value":
        return this.items;
    }
    // Any other member is read from each item (as on a list).
    return Promise.all(this.items.map((x) => getMember(x, name))).then((xs) => xs.filter((x) => x !== MISSING));
  }

  [VQL_INDEX](i: unknown): unknown {
    if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= this.items.length) return null;
    return this.items[i];
  }
}

/** leb128 / sleb128 values: the number with its place in the data. */
export class VarInt {
  constructor(
    readonly value: number,
    readonly offset: number,
    readonly size: number,
  ) {}

  [VQL_MEMBER](name: string): unknown {
    switch (name) {
      case "Value":
      case "ValueOf":
        return this.value;
      case "SizeOf":
      case "Size":
        return this.size;
      case "OffsetOf":
        return this.offset;
      case "EndOf":
        return this.offset + this.size;
    }
    return undefined;
  }
}

/** The size a parsed value occupies (vtypes SizeOf of a value). */
export async function sizeOfValue(v: unknown): Promise<number> {
  if (v instanceof StructObject) return v.size();
  if (v instanceof ArrayObject || v instanceof VarInt) return v.size;
  if (typeof v === "string") return utf8Length(v);
  if (v instanceof Bytes) return v.length;
  return 0;
}

/**
 * A parsed struct handed to VQL: its visible fields as a dict (what Velociraptor shows), with
 * the `__` fields and the pseudo members (SizeOf, StartOf, EndOf) readable as members too.
 */
export class BinaryStruct extends OrderedDict {
  readonly hidden = new Map<string, unknown>();

  override get(key: string): unknown {
    const v = super.get(key);
    return v !== undefined ? v : this.hidden.get(key);
  }
}

const MAX_DEPTH = 64;

/** Replaces the lazy values by plain VQL values, deeply (values equal to self or parent are left out). */
export async function materialize(v: unknown, env: ParseEnv, depth = 0): Promise<unknown> {
  if (typeof v !== "object" || v === null) return v;
  if (depth > MAX_DEPTH) throw new BinaryError(`nesting deeper than ${MAX_DEPTH} levels`);
  env.ctx.signal.throwIfAborted();
  if (v instanceof Promise) return materialize(await v, env, depth);
  if (v instanceof StructObject) {
    const out = new BinaryStruct();
    for (const name of v.def.names) {
      const x: unknown = await v.get(name);
      if (x === v || (v.parent !== undefined && x === v.parent)) continue;
      const m: unknown = await materialize(x, env, depth + 1);
      if (name.startsWith("__")) out.hidden.set(name, m);
      else out.set(name, m);
    }
    const size = await v.size();
    for (const [k, x] of [["SizeOf", size], ["StartOf", v.offset], ["OffsetOf", v.offset], ["EndOf", v.offset + size]] as const) {
      if (!v.hasField(k)) out.hidden.set(k, x);
    }
    return out;
  }
  if (v instanceof ArrayObject) return materializeList(v.items, env, depth);
  if (v instanceof FieldReference) return materialize(await v.value(), env, depth);
  if (v instanceof VarInt) return v.value;
  if (Array.isArray(v)) return materializeList(v, env, depth);
  if (v instanceof OrderedDict || isPlainObject(v)) {
    const d = v instanceof OrderedDict ? v : OrderedDict.fromObject(v);
    if (!d.values().some((x) => typeof x === "object" && x !== null)) return v;
    const out = new OrderedDict();
    for (const [k, x] of d) out.set(k, await materialize(x, env, depth + 1));
    return out;
  }
  return v;
}

async function materializeList(items: readonly unknown[], env: ParseEnv, depth: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const x of items) out.push(await materialize(x, env, depth + 1));
  return out;
}
