/**
 * The fast path for builtin function calls whose argument names are known at compile time (no
 * `**` unpacking, no unknown or missing arguments): arguments are evaluated, coerced and stored
 * straight into the run() argument object, with one allocation for it and one for the context.
 * The first asynchronous value switches to an async continuation from that argument on.
 */
import type { Span } from "../ast/types";
import type { AnyArgSpec } from "../builtins/arg";
import { CoerceError, coerceValue, describeCoerceError } from "../builtins/coerce";
import type { FunctionBuiltin } from "../builtins/types";
import type { MaybePromise } from "../values/query";
import type { CompiledArgs } from "./args";
import type { Ev } from "./compile-context";
import { CallContext } from "./context";
import { checkPermissions, logBindError, logBuiltinFailure } from "./invoke";
import { LazyExpr } from "./query-values";
import type { Scope } from "./scope";

const NO_REST: [string, unknown][] = [];
Object.freeze(NO_REST);

export interface FastCallPlan {
  specs: AnyArgSpec[];
  isRest: boolean[];
  defaults: [string, unknown][];
}

/** A plan when the call site can use the fast path, else undefined. */
export function planFastCall(fn: FunctionBuiltin, cargs: CompiledArgs): FastCallPlan | undefined {
  if (cargs.hasUnpack) return undefined;
  const specs: AnyArgSpec[] = [];
  const isRest: boolean[] = [];
  for (const name of cargs.names) {
    const own = Object.hasOwn(fn.args, name);
    const spec = own ? fn.args[name] : fn.rest;
    if (!spec) return undefined;
    specs.push(spec);
    isRest.push(!own);
  }
  const given = new Set(cargs.names);
  const defaults: [string, unknown][] = [];
  for (const [name, spec] of Object.entries(fn.args)) {
    if (given.has(name)) continue;
    if (spec.hasDefault) defaults.push([name, spec.defaultValue]);
    else if (spec.isRequired) return undefined;
  }
  return { specs, isRest, defaults };
}

function invokeRun(fn: FunctionBuiltin, args: Record<string, unknown>, ctx: CallContext, rest: [string, unknown][]): MaybePromise<unknown> {
  if (fn.permissions !== undefined && !checkPermissions(fn, ctx)) return null;
  let r: unknown;
  try {
    r = fn.run(args as never, ctx, rest);
  } catch (e) {
    logBuiltinFailure(ctx, e);
    return null;
  }
  if (r instanceof Promise) {
    return r.then(
      (x) => x ?? null,
      (e) => {
        logBuiltinFailure(ctx, e);
        return null;
      },
    );
  }
  return r ?? null;
}

export function compileFastCall(fn: FunctionBuiltin, cargs: CompiledArgs, plan: FastCallPlan, site: number, span: Span): Ev {
  const list = cargs.list;
  const n = list.length;
  const evs = list.map((a) => a.ev);
  const lazy = list.map((a) => a.lazy);
  const early = list.map((a) => a.early);
  const anyEarly = early.some((x) => x);
  const names = cargs.names;
  const { specs, isRest, defaults } = plan;
  const hasRest = isRest.some((x) => x);
  const errValue = fn.argErrorValue ?? null;
  const name = fn.name;

  const store = (i: number, c: unknown, args: Record<string, unknown>, rest: [string, unknown][]) => {
    if (isRest[i]) rest.push([names[i]!, c]);
    else args[names[i]!] = c;
  };
  const finish = (args: Record<string, unknown>, ctx: CallContext, rest: [string, unknown][]) => {
    for (let k = 0; k < defaults.length; k++) args[defaults[k]![0]] = defaults[k]![1];
    return invokeRun(fn, args, ctx, rest);
  };
  const fail = (ctx: CallContext, i: number, e: CoerceError) => {
    logBindError(ctx, describeCoerceError(fn, names[i]!, list[i]!.span, e));
    return errValue;
  };
  const valueAt = (i: number, s: Scope, pre: unknown[] | null): unknown => (lazy[i] ? new LazyExpr(evs[i]!, s) : pre !== null && early[i] ? pre[i] : evs[i]!(s));

  /** Continues from argument i; `first` is its value (already coerced when `coerced`). */
  const slow = async (
    i: number,
    first: unknown,
    coerced: boolean,
    s: Scope,
    ctx: CallContext,
    args: Record<string, unknown>,
    rest: [string, unknown][],
    pre: unknown[] | null,
  ) => {
    for (let k = i; k < n; k++) {
      const raw = k === i ? first : valueAt(k, s, pre);
      const c = k === i && coerced ? await raw : await coerceValue(specs[k]!, await raw, ctx);
      if (c instanceof CoerceError) return fail(ctx, k, c);
      store(k, c, args, rest);
    }
    return finish(args, ctx, rest);
  };

  if (n === 0 && defaults.length === 0) {
    // No arguments at all (count(), now()...): one shared empty argument object.
    const empty: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
    return (s) => invokeRun(fn, empty, new CallContext(s, name, span, site), NO_REST);
  }
  return (s) => {
    const ctx = new CallContext(s, name, span, site);
    const args: Record<string, unknown> = {};
    const rest = hasRest ? [] : NO_REST;
    let pre: unknown[] | null = null;
    if (anyEarly) {
      pre = new Array(n);
      let pending = false;
      for (let i = 0; i < n; i++) {
        if (!early[i]) continue;
        const v = evs[i]!(s);
        if (v instanceof Promise) pending = true;
        pre[i] = v;
      }
      if (pending) {
        const p = pre;
        return Promise.all(p).then((vals) => slow(0, valueAt(0, s, vals), false, s, ctx, args, rest, vals));
      }
    }
    for (let i = 0; i < n; i++) {
      const v = valueAt(i, s, pre);
      if (v instanceof Promise) return slow(i, v, false, s, ctx, args, rest, pre);
      const c = coerceValue(specs[i]!, v, ctx);
      if (c instanceof Promise) return slow(i, c, true, s, ctx, args, rest, pre);
      if (c instanceof CoerceError) return fail(ctx, i, c);
      store(i, c, args, rest);
    }
    return finish(args, ctx, rest);
  };
}
