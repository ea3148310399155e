/**
 * Loading a profile (vtypes ParseStructDefinitions): the text is YAML (JSON, or YAML flow style
 * with comments, bare words and trailing commas, as the artifacts write it), a list of
 * `[name, size, [[field, offset, type, options?]...]]`; sizes and offsets are numbers or lambdas.
 * The built-in types are vtypes' model. Errors are ProfileErrors saying where in the profile.
 */
import { parseDocument } from "yaml";
import type { Parser } from "./env";
import { Options, ProfileError, checkLambda, isMap, type Opts } from "./options";
import {
  ArrayParser,
  BitFieldParser,
  EnumerationParser,
  FatTimestampParser,
  FlagsParser,
  Leb128Parser,
  NotFoundError,
  PointerParser,
  ProfileParser,
  StringParser,
  StructParser,
  TimestampParser,
  UnionParser,
  ValueParser,
  numberTypes,
  type TypeSource,
} from "./types";

type Factory = (types: TypeSource, o: Options) => Parser;

const FACTORIES: Record<string, Factory> = {
  String: (_t, o) => new StringParser(o),
  Array: (t, o) => new ArrayParser(t, o),
  Value: (_t, o) => new ValueParser(o),
  Enumeration: (t, o) => new EnumerationParser(t, o),
  BitField: (t, o) => new BitFieldParser(t, o),
  Flags: (t, o) => new FlagsParser(t, o),
  WinFileTime: (t, o) => new TimestampParser(t, o, "WinFileTime"),
  Timestamp: (t, o) => new TimestampParser(t, o, "Timestamp"),
  FatTimestamp: (_t, o) => new FatTimestampParser(o),
  Union: (t, o) => new UnionParser(t, o),
  Pointer: (t, o) => new PointerParser(t, o),
  Profile: (t, o) => new ProfileParser(t, o),
};

const NUMBERS = numberTypes();
const VARINTS = new Map<string, Parser>([
  ["leb128", new Leb128Parser("leb128", false)],
  ["sleb128", new Leb128Parser("sleb128", true)],
]);

/** The names of the built-in types (vtypes AddModel). */
export const BUILTIN_TYPES: readonly string[] = [...NUMBERS.keys(), ...VARINTS.keys(), ...Object.keys(FACTORIES)];

export class Profile implements TypeSource {
  readonly structs = new Map<string, StructParser>();

  has(name: string): boolean {
    return this.structs.has(name) || NUMBERS.has(name) || VARINTS.has(name) || Object.hasOwn(FACTORIES, name);
  }

  get(name: string, options: Opts | undefined): Parser {
    const s = this.structs.get(name) ?? NUMBERS.get(name) ?? VARINTS.get(name);
    if (s) return s;
    const f = Object.hasOwn(FACTORIES, name) ? FACTORIES[name] : undefined;
    if (!f) throw new NotFoundError(`Parser ${name} not found`);
    return f(this, new Options(options ?? {}, name));
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "a mapping" : JSON.stringify(v);
}

/** The profile's value: the first YAML document (text after it is ignored, as go-yaml does). */
/** go-yaml resolves plain ints with Go's strconv (base prefix), so `0X1E` is an int there too. */
const GO_HEX_INT = {
  tag: "tag:yaml.org,2002:int",
  default: true,
  test: /^[-+]?0X[0-9a-fA-F_]+$/,
  resolve: (s: string) => (s.startsWith("-") ? -1 : 1) * parseInt(s.replace(/^[-+]?0X/, "").replace(/_/g, ""), 16),
};

function parseText(text: string): unknown {
  const doc = parseDocument(text, { version: "1.1", uniqueKeys: false, prettyErrors: false, customTags: (tags) => [GO_HEX_INT, ...tags] });
  const end = doc.contents?.range?.[1] ?? Infinity;
  // Only stray tokens after the first value are ignored; an unclosed list is an error.
  const err = doc.errors.find((e) => e.code !== "UNEXPECTED_TOKEN" || e.pos[0] < end);
  if (err) throw new ProfileError(`the profile is not valid YAML/JSON: ${err.message.split("\n")[0]}`);
  return doc.toJS({ maxAliasCount: 100 });
}

/** Builds a profile from its text; throws a ProfileError naming the struct and field at fault. */
export function loadProfile(text: string): Profile {
  const profile = new Profile();
  const defs = parseText(text) ?? [];
  if (!Array.isArray(defs)) throw new ProfileError(`a profile is a list of struct definitions, not ${describe(defs)}`);
  const pending: [StructParser, string, unknown[]][] = [];
  defs.forEach((def, i) => {
    const at = `struct #${i + 1}`;
    if (!Array.isArray(def) || def.length !== 3) throw new ProfileError(`${at}: a struct definition is [name, size, fields], not ${describe(def)}`);
    const [name, size, fields] = def as [unknown, unknown, unknown];
    if (typeof name !== "string") throw new ProfileError(`${at}: the name should be a string, not ${describe(name)}`);
    if (profile.has(name)) throw new ProfileError(`struct ${name}: the definition masks an existing definition`);
    let parser: StructParser;
    if (typeof size === "number") parser = new StructParser(name, Math.trunc(size), undefined);
    else if (typeof size === "string") parser = new StructParser(name, 0, checkLambda(size, `struct ${name} size`));
    else throw new ProfileError(`struct ${name}: the size should be a number or a lambda, not ${describe(size)}`);
    if (!Array.isArray(fields)) throw new ProfileError(`struct ${name}: the fields should be a list of [name, offset, type, options?]`);
    profile.structs.set(name, parser);
    pending.push([parser, name, fields]);
  });
  for (const [parser, name, fields] of pending) {
    fields.forEach((field, j) => {
      const at = `struct ${name} field #${j + 1}`;
      if (!Array.isArray(field) || (field.length !== 3 && field.length !== 4)) {
        throw new ProfileError(`${at}: a field definition is [name, offset, type, options?], not ${describe(field)}`);
      }
      const [fname, offset, type, options] = field as [unknown, unknown, unknown, unknown];
      if (typeof fname !== "string") throw new ProfileError(`${at}: the field name should be a string`);
      const where = `struct ${name} field ${fname}`;
      let off = 0;
      let offsetExpr: string | undefined;
      if (typeof offset === "number") off = Math.trunc(offset);
      else if (typeof offset === "string") offsetExpr = checkLambda(offset, `${where} offset`);
      else throw new ProfileError(`${where}: the offset should be a number or a lambda, not ${describe(offset)}`);
      if (typeof type !== "string") throw new ProfileError(`${where}: the type should be a string, not ${describe(type)}`);
      if (options !== undefined && options !== null && !isMap(options)) throw new ProfileError(`${where}: the options should be a mapping`);
      if (!profile.has(type)) throw new ProfileError(`${where}: reference to undefined type ${type}`);
      let fieldParser: Parser;
      try {
        fieldParser = profile.get(type, (options as Opts | null) ?? undefined);
      } catch (e) {
        throw new ProfileError(`${where}: ${(e as Error).message}`);
      }
      parser.addField(fname, { offset: off, offsetExpr, parser: fieldParser });
    });
  }
  return profile;
}
