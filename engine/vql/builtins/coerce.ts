/**
 * Argument binding: checks a call's keyword arguments against a builtin's schema and coerces
 * them the way Velociraptor's arg parser does (REFERENCE §5.11). Errors come back as data
 * (message + code + span) for the evaluator to log; nothing throws.
 */
import type { Span } from "../ast/types";
import { formatMessage } from "../diagnostics";
import { Bytes, textOf } from "../values/bytes";
import { goTypeName } from "../values/kinds";
import { isDictLike, OrderedDict, toOrderedDict } from "../values/ordered-dict";
import { LazyValue, QueryValue, type MaybePromise } from "../values/query";
import { toVqlString } from "../values/stringify";
import { Timestamp } from "../values/timestamp";
import { parseDateString } from "../values/time-parse";
import type { AnyArgSpec } from "./arg";
import type { Builtin, BuiltinContext } from "./types";
import { epochToTimestamp } from "./time/epoch";

export interface ProvidedArg {
  name: string;
  value: unknown;
  span: Span;
}

export interface BindError {
  code: "VQL3001" | "VQL3002" | "VQL3003";
  message: string;
  span: Span;
}

export interface BoundArgs {
  args: Record<string, unknown>;
  rest: [string, unknown][];
}

const ARTICLE: Record<string, string> = { int: "an int", float: "a float", time: "a timestamp", dict: "a dict", string: "a string" };

export class CoerceError {
  constructor(readonly expected: string, readonly got: unknown) {}
}

function coerceString(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "";
  if (v instanceof Bytes) return textOf(v);
  if (Array.isArray(v) && v.length === 1) return coerceString(v[0]);
  return toVqlString(v);
}

function coerceNumber(v: unknown, kind: "int" | "float"): number | CoerceError {
  if (typeof v === "number") return kind === "int" ? Math.trunc(v) : v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v) && v.length === 1) return coerceNumber(v[0], kind);
  return new CoerceError(kind, v);
}

function coerceTime(v: unknown): Timestamp | CoerceError {
  if (v instanceof Timestamp) return v;
  if (typeof v === "number") return epochToTimestamp(v);
  if (typeof v === "string") {
    const t = parseDateString(v);
    if (t) return t;
    const n = Number(v);
    if (v.trim() !== "" && Number.isFinite(n)) return epochToTimestamp(n);
  }
  if (v instanceof Date) return Timestamp.fromDate(v);
  return new CoerceError("time", v);
}

/** Coerces one value; may return a Promise (truthiness of a query, forcing a lazy value). */
export function coerceValue(spec: AnyArgSpec, v: unknown, ctx: BuiltinContext): MaybePromise<unknown> {
  if (v instanceof LazyValue && spec.kind !== "lazy") {
    const forced = v.force();
    return forced instanceof Promise ? forced.then((x) => coerceValue(spec, x, ctx)) : coerceValue(spec, forced, ctx);
  }
  switch (spec.kind) {
    case "any":
      return v;
    case "lazy":
      return v !== null && typeof v === "object" && typeof (v as { value?: unknown }).value === "function" ? v : { value: () => v };
    case "string":
      return coerceString(v);
    case "bytes":
      return typeof v === "string" || v instanceof Bytes ? v : coerceString(v);
    case "int":
    case "float": {
      const n = coerceNumber(v, spec.kind);
      if (n instanceof CoerceError) return n;
      if (spec.minValue !== undefined && n < spec.minValue) return new CoerceError(`${spec.kind} >= ${spec.minValue}`, v);
      if (spec.maxValue !== undefined && n > spec.maxValue) return new CoerceError(`${spec.kind} <= ${spec.maxValue}`, v);
      return n;
    }
    case "bool":
      return ctx.isTruthy(v);
    case "time":
      return coerceTime(v);
    case "dict":
      if (isDictLike(v)) return toOrderedDict(v);
      if (v === null || v === undefined) return new OrderedDict();
      return new CoerceError("dict", v);
    case "query":
      return ctx.toQuery(v);
    case "list": {
      const item = spec.item!;
      if (v === null || v === undefined) return [];
      if (v instanceof QueryValue && item.kind !== "any") {
        return ctx.materialize(v).then((rows) => coerceValue(spec, rows, ctx));
      }
      const list = Array.isArray(v) ? v : [v];
      const out: unknown[] = [];
      let pending = false;
      for (const x of list) {
        const c = coerceValue(item, x, ctx);
        if (c instanceof CoerceError) return c;
        if (c instanceof Promise) pending = true;
        out.push(c);
      }
      return pending ? Promise.all(out) : out;
    }
  }
}

function describeExpected(e: string): string {
  return ARTICLE[e] ?? (/^[aeiou]/.test(e) ? "an " + e : "a " + e);
}

function nearest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(name.toLowerCase(), c.toLowerCase());
    if (dist < bestD) {
      bestD = dist;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

export function describeCoerceError(builtin: Builtin, name: string, span: Span, e: CoerceError): BindError {
  return {
    code: "VQL3003",
    message: formatMessage("VQL3003", [name, builtin.name, describeExpected(e.expected), goTypeName(e.got)]),
    span,
  };
}

/**
 * Binds provided arguments to a builtin's schema. Returns the run() arguments or a BindError
 * (unknown argument at its span, missing required argument at the call span, bad type).
 */
export function bindArguments(
  builtin: Builtin,
  provided: ProvidedArg[],
  callSpan: Span,
  ctx: BuiltinContext,
): MaybePromise<BoundArgs | BindError> {
  const schema = builtin.args;
  const args: Record<string, unknown> = {};
  const rest: [string, unknown][] = [];
  const pending: Promise<unknown>[] = [];
  let error: BindError | undefined;
  const fail = (name: string, span: Span) => (e: CoerceError): BindError => describeCoerceError(builtin, name, span, e);
  for (const p of provided) {
    const spec = Object.hasOwn(schema, p.name) ? schema[p.name] : builtin.rest;
    if (!spec) {
      const hint = nearest(p.name, Object.keys(schema));
      return {
        code: "VQL3001",
        message: formatMessage("VQL3001", [p.name, builtin.name, hint ? `; did you mean \`${hint}\`?` : ""]),
        span: p.span,
      };
    }
    const isRest = !Object.hasOwn(schema, p.name);
    const c = coerceValue(spec, p.value, ctx);
    if (c instanceof CoerceError) return fail(p.name, p.span)(c);
    const store = (x: unknown) => {
      if (x instanceof CoerceError) error ??= fail(p.name, p.span)(x);
      else if (isRest) rest.push([p.name, x]);
      else args[p.name] = x;
    };
    if (c instanceof Promise) {
      if (isRest) {
        const slot = rest.length;
        rest.push([p.name, undefined]);
        pending.push(c.then((x) => (x instanceof CoerceError ? (error ??= fail(p.name, p.span)(x)) : (rest[slot]![1] = x))));
      } else pending.push(c.then(store));
    } else store(c);
  }
  const finish = (): BoundArgs | BindError => {
    if (error) return error;
    for (const [name, spec] of Object.entries(schema)) {
      if (Object.hasOwn(args, name)) continue;
      if (spec.hasDefault) args[name] = spec.defaultValue;
      else if (spec.isRequired) {
        return { code: "VQL3002", message: formatMessage("VQL3002", [builtin.name, name]), span: callSpan };
      }
    }
    return { args, rest };
  };
  return pending.length ? Promise.all(pending).then(finish) : finish();
}
