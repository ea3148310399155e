// Parameter types and coercion: every parameter travels as a string (defaults in YAML, values
// from the UI) and reaches the queries as a scope variable of its declared type, converted as
// Velociraptor's launcher does (services/launcher/parameters.go): an empty int is 0, an empty
// timestamp the zero time, csv text rows, bool true for Y/TRUE/YES/OK. JSON or a timestamp that
// does not parse becomes NULL with a warning (the launcher logs and runs). Values that already
// have the right type (from VQL: Artifact.X(Limit=5)) are kept as they are.
import { parse as parseYamlValue } from "yaml";
import { OrderedDict } from "../vql/values/ordered-dict";
import { parseDateString } from "../vql/values/time-parse";
import { GO_ZERO_UNIX, Timestamp } from "../vql/values/timestamp";
import { parseCsvRows } from "./csv";
import type { Parameter } from "./types";

export type ParameterKind = "text" | "int" | "float" | "bool" | "timestamp" | "rows" | "json" | "list" | "yaml";

/** Declared type → how the value is converted. Velociraptor's names, aliases included. */
export const PARAMETER_TYPES: Record<string, ParameterKind> = {
  "": "text",
  string: "text",
  str: "text",
  regex: "text",
  yara: "text",
  glob: "text",
  hidden: "text",
  choices: "text",
  redacted: "text",
  upload: "text",
  upload_file: "text",
  server_metadata: "text",
  starlark: "text",
  xml: "text",
  client_id: "text",
  hash: "text",
  int: "int",
  int64: "int",
  integer: "int",
  uint64: "int",
  float: "float",
  bool: "bool",
  timestamp: "timestamp",
  csv: "rows",
  artifactset: "rows",
  json: "json",
  json_array: "list",
  regex_array: "list",
  multichoice: "list",
  yaml: "yaml",
};

export function parameterKind(type: string): ParameterKind {
  return PARAMETER_TYPES[type.toLowerCase()] ?? "text";
}

/** `warning`: the value did not convert and became NULL, as Velociraptor logs and goes on. */
export type Coerced = { ok: true; value: unknown; warning?: string } | { ok: false; expected: string; reason: string };

const ok = (value: unknown): Coerced => ({ ok: true, value });
const nullWith = (warning: string): Coerced => ({ ok: true, value: null, warning });

/** Go's zero time, what an unset timestamp parameter is (false in a condition). */
export const zeroTime = () => new Timestamp(GO_ZERO_UNIX);

/** Velociraptor's bool parameter test: `X = TRUE OR X =~ '^(Y|TRUE|YES|OK)$'` (=~ ignores case). */
export function isTrueString(s: string): boolean {
  return /^(y|true|yes|ok)$/i.test(s);
}
const bad = (expected: string, reason: string): Coerced => ({ ok: false, expected, reason });

/** The value a query sees for `param` given `value` (a string form, or an already typed value). */
export function coerceParameter(param: Pick<Parameter, "type" | "name">, value: unknown): Coerced {
  const kind = parameterKind(param.type);
  if (value === null || value === undefined) return ok(emptyOf(kind));
  if (typeof value !== "string") return coerceTyped(kind, value);
  const s = value;
  switch (kind) {
    case "text":
      return ok(s);
    case "int": {
      const t = s.trim();
      if (t === "") return ok(0);
      if (!/^[-+]?(\d+|0x[0-9a-f]+)$/i.test(t)) return bad("an integer", `\`${s}\` is not a number`);
      // Beyond 2^53 (uint64 maxima in some defaults) the value is kept approximately.
      return ok(Number(t.replace(/^\+/, "")));
    }
    case "float": {
      const t = s.trim();
      if (t === "") return ok(null);
      const n = Number(t);
      return Number.isFinite(n) ? ok(n) : bad("a number", `\`${s}\` is not a number`);
    }
    case "bool":
      return ok(isTrueString(s));
    case "timestamp":
      return coerceTimestamp(s);
    case "rows":
      return ok(parseCsvRows(s));
    case "json":
    case "list": {
      if (s.trim() === "") return ok(kind === "list" ? [] : null);
      let parsed: unknown;
      try {
        parsed = JSON.parse(s);
      } catch (err) {
        return nullWith(`${kind === "list" ? "a JSON array" : "JSON"} expected: ${(err as Error).message}`);
      }
      if (kind === "list" && !Array.isArray(parsed)) return nullWith(`a JSON array expected: \`${s.trim().slice(0, 40)}\` is not an array`);
      return ok(toVqlValue(parsed));
    }
    case "yaml":
      try {
        return ok(toVqlValue(parseYamlValue(s)));
      } catch (err) {
        return bad("YAML", (err as Error).message.split("\n")[0]!);
      }
  }
}

function emptyOf(kind: ParameterKind): unknown {
  switch (kind) {
    case "text":
      return "";
    case "bool":
      return false;
    case "int":
      return 0;
    case "timestamp":
      return zeroTime();
    case "list":
    case "rows":
      return [];
    default:
      return null;
  }
}

function coerceTyped(kind: ParameterKind, v: unknown): Coerced {
  switch (kind) {
    case "int":
      if (typeof v === "number") return Number.isFinite(v) ? ok(Math.trunc(v)) : bad("an integer", `${v} is not finite`);
      if (typeof v === "boolean") return ok(v ? 1 : 0);
      return bad("an integer", "the value is not a number");
    case "float":
      if (typeof v === "number") return ok(v);
      return bad("a number", "the value is not a number");
    case "bool":
      return ok(Array.isArray(v) ? v.length > 0 : typeof v === "number" ? v !== 0 : Boolean(v));
    case "timestamp":
      if (v instanceof Timestamp) return ok(v);
      if (typeof v === "number") return ok(fromEpoch(v));
      if (v instanceof Date) return ok(Timestamp.fromDate(v));
      return bad("a timestamp", "the value is not a time");
    case "text":
      return ok(typeof v === "number" || typeof v === "boolean" ? String(v) : v);
    default:
      return ok(v);
  }
}

function coerceTimestamp(s: string): Coerced {
  const t = s.trim();
  if (t === "") return ok(zeroTime());
  if (/^-?\d+(\.\d+)?$/.test(t)) return ok(fromEpoch(Number(t)));
  const parsed = parseDateString(t);
  return parsed ? ok(parsed) : nullWith(`a timestamp expected: \`${s}\` is not a date or an epoch number`);
}

/** Epoch numbers in seconds, milliseconds, microseconds or nanoseconds (by magnitude). */
function fromEpoch(n: number): Timestamp {
  const a = Math.abs(n);
  if (a > 1e17) return new Timestamp(Math.floor(n / 1e9), n % 1e9);
  if (a > 1e14) return Timestamp.fromMillis(n / 1000);
  if (a > 1e11) return Timestamp.fromMillis(n);
  return new Timestamp(n);
}

/** Parsed JSON/YAML to VQL values: objects become ordered dicts (key order kept). */
export function toVqlValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toVqlValue);
  if (v && typeof v === "object" && !(v instanceof Timestamp) && !(v instanceof OrderedDict)) {
    return new OrderedDict(Object.entries(v).map(([k, x]) => [k, toVqlValue(x)] as const));
  }
  return v;
}
