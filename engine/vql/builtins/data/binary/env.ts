/**
 * What every parse_binary() parser shares: the parse environment (the bytes, the builtin
 * context, the `env` variables, the work budget), the Parser interface, the byte reader and the
 * evaluation of a profile's lambdas (vtypes EvalLambdaAsInt64 / AsString).
 */
import type { BuiltinContext } from "../../types";
import type { OrderedDict } from "@/engine/vql/values/ordered-dict";
import { isByteString, textOf } from "@/engine/vql/values/bytes";

/** A parse stopped (budget, nesting, cancel): the call logs it and gives NULL. */
export class BinaryError extends Error {}

export interface ParseEnv {
  readonly bytes: Uint8Array;
  readonly ctx: BuiltinContext;
  /** The `env` argument: variables the lambdas see (before the calling scope). */
  readonly env: OrderedDict | undefined;
  /** Values still allowed to be parsed in this call. */
  budget: number;
  /** Lambdas being evaluated now (their nesting). */
  active: number;
}

/** Values one parse_binary() call may parse (hostile counts and pointers stop here). */
export const MAX_PARSED_VALUES = 2_000_000;
/** Nesting of lambda evaluations (a lambda reading a field whose offset is a lambda...). */
export const MAX_LAMBDA_NESTING = 100;

export interface Parser {
  /** The type name (for messages). */
  readonly name: string;
  /** The fixed size in bytes, 0 when it depends on the data (vtypes Sizer). */
  size?(): number;
  /** The size of the instance at `offset` without building it (strings: up to the terminator). */
  instanceSize?(env: ParseEnv, offset: number, self: unknown): Promise<number>;
  /** The value at `offset`; `self` is the struct whose lambdas' `x` it is (vtypes `this`). */
  parse(env: ParseEnv, offset: number, self: unknown): Promise<unknown>;
}

export function staticSize(p: Parser): number {
  return p.size ? p.size() : 0;
}

/** Counts one parsed value against the budget. */
export function spend(env: ParseEnv): void {
  if (--env.budget < 0) throw new BinaryError(`more than ${MAX_PARSED_VALUES} values parsed; stopped`);
  if (env.ctx.signal.aborted) throw env.ctx.signal.reason ?? new BinaryError("cancelled");
}

/** A lambda of the profile called with the struct (NULL when there is none, as in vtypes). */
export async function evalLambda(env: ParseEnv, source: string, x: unknown): Promise<unknown> {
  if (x === undefined) return null;
  if (env.active >= MAX_LAMBDA_NESTING) throw new BinaryError(`lambdas nested more than ${MAX_LAMBDA_NESTING} deep (at \`${source}\`)`);
  env.active++;
  try {
    return await env.ctx.evalLambda(source, [x], env.env);
  } finally {
    env.active--;
  }
}

/** Go's to_int64 of a lambda's result: numbers (truncated) and booleans; anything else 0. */
export function toInt(v: unknown): number {
  if (typeof v === "number") return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return 0;
}

export async function evalInt(env: ParseEnv, source: string, x: unknown): Promise<number> {
  return toInt(await evalLambda(env, source, x));
}

export async function evalString(env: ParseEnv, source: string, x: unknown): Promise<string> {
  const v = await evalLambda(env, source, x);
  return isByteString(v) ? textOf(v) : "";
}

/**
 * `n` bytes at `offset`, zero-padded past the end, and how many were really there (Go's
 * ReadAt: a negative offset reads nothing).
 */
export function readAt(env: ParseEnv, offset: number, n: number): { buf: Uint8Array; got: number } {
  const buf = new Uint8Array(Math.max(0, n));
  if (offset < 0 || !Number.isFinite(offset) || offset >= env.bytes.length) return { buf, got: 0 };
  const part = env.bytes.subarray(offset, Math.min(env.bytes.length, offset + n));
  buf.set(part);
  return { buf, got: part.length };
}
