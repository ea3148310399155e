/**
 * The fast path for builtin function calls whose argument names are known at compile time (no
 * `**` unpacking, no unknown or missing arguments): arguments are evaluated, coerced and stored
 * straight into the run() argument object. The call context is built only when something needs
 * it: a run() that declares a `ctx` parameter, a permission check, a coercion that evaluates
 * (bool, query, list), an error to log. The first asynchronous value switches to an async
 * continuation from that argument on.
 */
import type { Span } from "../ast/types";
import type { AnyArgSpec } from "../builtins/arg";
import { CoerceError, coerceValue, describeCoerceError } from "../builtins/coerce";
import type { BuiltinContext, FunctionBuiltin } from "../builtins/types";
import type { MaybePromise } from "../values/query";
import type { CompiledArgs } from "./args";
import type { Ev } from "./compile-context";
import { CallContext, type CallSite } from "./context";
import { checkPermissions, logBindError, logBuiltinFailure } from "./invoke";
import { LazyExpr } from "./query-values";
import type { Scope } from "./scope";

const NO_REST: [string, unknown][] = [];
Object.freeze(NO_REST);
/** Argument object of calls without arguments (count(), now()...). */
const NO_ARGS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** Coercions that use the context (truthiness of queries, query and list arguments). */
const CONTEXT_KINDS = new Set(["bool", "query", "list"]);

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

/** One call site on the fast path. */
class FastCall {
  private readonly n: number;
  private readonly evs: Ev[];
  private readonly lazy: boolean[];
  private readonly early: boolean[];
  private readonly anyEarly: boolean;
  private readonly names: string[];
  private readonly specs: AnyArgSpec[];
  private readonly isRest: boolean[];
  private readonly hasRest: boolean;
  private readonly defaults: [string, unknown][];
  /** The call needs a context before run(): run() declares one, or a coercion or permission check uses it. */
  private readonly needsContext: boolean;
  private readonly at: CallSite;
  /** The builtin's unary entry, when this call may use it (one argument, the first declared). */
  readonly unary: ((value: unknown) => unknown) | undefined;

  constructor(
    private readonly fn: FunctionBuiltin,
    private readonly cargs: CompiledArgs,
    plan: FastCallPlan,
    site: number,
    span: Span,
  ) {
    const list = cargs.list;
    this.at = { name: fn.name, span, id: site };
    this.n = list.length;
    this.evs = list.map((a) => a.ev);
    this.lazy = list.map((a) => a.lazy);
    this.early = list.map((a) => a.early);
    this.anyEarly = this.early.some((x) => x);
    this.names = cargs.names;
    this.specs = plan.specs;
    this.isRest = plan.isRest;
    this.hasRest = plan.isRest.some((x) => x);
    this.defaults = plan.defaults;
    this.needsContext =
      fn.run.length >= 2 || (fn.permissions !== undefined && fn.permissions.length > 0) || plan.specs.some((sp) => CONTEXT_KINDS.has(sp.kind));
    const first = Object.keys(fn.args)[0];
    const unaryOk =
      fn.unary !== undefined &&
      !this.needsContext &&
      this.n === 1 &&
      !this.lazy[0] &&
      !this.isRest[0] &&
      this.names[0] === first &&
      this.defaults.length === 0;
    this.unary = unaryOk ? (fn.unary as (value: unknown) => unknown) : undefined;
  }

  /** A call through the unary entry: no argument object, no context unless something fails. */
  callUnary(s: Scope): MaybePromise<unknown> {
    const v = this.evs[0]!(s);
    if (v instanceof Promise) return this.slow(0, v, false, s, this.context(s), {}, NO_REST, null);
    // Without a context, the coercion cannot need one (see needsContext).
    const c = coerceValue(this.specs[0]!, v, null as unknown as BuiltinContext);
    if (c instanceof Promise) return this.slow(0, c, true, s, this.context(s), {}, NO_REST, null);
    if (c instanceof CoerceError) return this.fail(this.context(s), 0, c);
    let r: unknown;
    try {
      r = this.unary!(c);
    } catch (e) {
      logBuiltinFailure(this.context(s), e);
      return null;
    }
    return r ?? null;
  }

  private context(s: Scope): CallContext {
    return new CallContext(s, this.at);
  }

  call(s: Scope): MaybePromise<unknown> {
    const n = this.n;
    if (n === 0 && this.defaults.length === 0) return this.invoke(s, this.needsContext ? this.context(s) : null, NO_ARGS, NO_REST);
    const ctx = this.needsContext ? this.context(s) : null;
    const args: Record<string, unknown> = {};
    const rest = this.hasRest ? [] : NO_REST;
    let pre: unknown[] | null = null;
    if (this.anyEarly) {
      pre = new Array(n);
      let pending = false;
      for (let i = 0; i < n; i++) {
        if (!this.early[i]) continue;
        const v = this.evs[i]!(s);
        if (v instanceof Promise) pending = true;
        pre[i] = v;
      }
      if (pending) {
        return Promise.all(pre).then((vals) => this.slow(0, this.valueAt(0, s, vals), false, s, ctx ?? this.context(s), args, rest, vals));
      }
    }
    const specs = this.specs;
    for (let i = 0; i < n; i++) {
      const v = this.valueAt(i, s, pre);
      if (v instanceof Promise) return this.slow(i, v, false, s, ctx ?? this.context(s), args, rest, pre);
      // Without a context, the coercions used cannot need one (see needsContext).
      const c = coerceValue(specs[i]!, v, ctx as BuiltinContext);
      if (c instanceof Promise) return this.slow(i, c, true, s, ctx ?? this.context(s), args, rest, pre);
      if (c instanceof CoerceError) return this.fail(ctx ?? this.context(s), i, c);
      if (this.isRest[i]) rest.push([this.names[i]!, c]);
      else args[this.names[i]!] = c;
    }
    return this.finish(s, ctx, args, rest);
  }

  private valueAt(i: number, s: Scope, pre: unknown[] | null): unknown {
    if (this.lazy[i]) return new LazyExpr(this.evs[i]!, s);
    return pre !== null && this.early[i] ? pre[i] : this.evs[i]!(s);
  }

  private fail(ctx: CallContext, i: number, e: CoerceError): unknown {
    logBindError(ctx, describeCoerceError(this.fn, this.names[i]!, this.cargs.list[i]!.span, e));
    return this.fn.argErrorValue ?? null;
  }

  private finish(s: Scope, ctx: CallContext | null, args: Record<string, unknown>, rest: [string, unknown][]): MaybePromise<unknown> {
    const d = this.defaults;
    for (let k = 0; k < d.length; k++) args[d[k]![0]] = d[k]![1];
    return this.invoke(s, ctx, args, rest);
  }

  private invoke(s: Scope, ctx: CallContext | null, args: Record<string, unknown>, rest: [string, unknown][]): MaybePromise<unknown> {
    const fn = this.fn;
    if (ctx !== null && fn.permissions !== undefined && !checkPermissions(fn, ctx)) return null;
    let r: unknown;
    try {
      // A run() without a ctx parameter gets none (types.ts: FunctionDefinition.run).
      r = fn.run(args as never, ctx as BuiltinContext, rest);
    } catch (e) {
      logBuiltinFailure(ctx ?? this.context(s), e);
      return null;
    }
    if (r instanceof Promise) {
      return r.then(
        (x) => x ?? null,
        (e) => {
          logBuiltinFailure(ctx ?? this.context(s), e);
          return null;
        },
      );
    }
    return r ?? null;
  }

  /** Continues from argument i; `first` is its value (already coerced when `coerced`). */
  private async slow(
    i: number,
    first: unknown,
    coerced: boolean,
    s: Scope,
    ctx: CallContext,
    args: Record<string, unknown>,
    rest: [string, unknown][],
    pre: unknown[] | null,
  ): Promise<unknown> {
    for (let k = i; k < this.n; k++) {
      const raw = k === i ? first : this.valueAt(k, s, pre);
      const c = k === i && coerced ? await raw : await coerceValue(this.specs[k]!, await raw, ctx);
      if (c instanceof CoerceError) return this.fail(ctx, k, c);
      if (this.isRest[k]) rest.push([this.names[k]!, c]);
      else args[this.names[k]!] = c;
    }
    return this.finish(s, ctx, args, rest);
  }
}

export function compileFastCall(fn: FunctionBuiltin, cargs: CompiledArgs, plan: FastCallPlan, site: number, span: Span): Ev {
  const call = new FastCall(fn, cargs, plan, site, span);
  if (call.unary !== undefined) return (s) => call.callUnary(s);
  return (s) => call.call(s);
}
