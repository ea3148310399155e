/**
 * Calls in expressions: `f(args)`. An undotted name tries the function table first (a LET
 * cannot shadow a builtin when called), then variables (parameterised LETs, stored queries).
 * Dotted names go through RunOptions.resolvePlugin (Artifact.X.Y) and then the scope. A
 * run-wide override (mock()) replaces a function or a dotted plugin at every call site.
 */
import type { CallExpr, Expr } from "../ast/types";
import type { FunctionBuiltin } from "../builtins/types";
import { QueryValue, type MaybePromise } from "../values/query";
import { compileArgs, evaluateArgs, type CompiledArgs, type EvaluatedArgs } from "./args";
import type { CompileContext, Ev } from "./compile-context";
import { CallContext } from "./context";
import type { BindError, BoundArgs } from "../builtins/coerce";
import { checkPermissions, isBindError, logBindError, logBuiltinFailure, prepareBinder, type Binder } from "./invoke";
import { CallableBinding } from "./bindings";
import { NOT_FOUND, type Scope } from "./scope";
import { symbolNotFound } from "./symbols";
import { openPlugin } from "./plugin-call";
import { compileFastCall, planFastCall } from "./fast-call";
import { RowsQuery } from "./query-values";
import { collectStream } from "./stream";

export function compileCall(node: CallExpr, cc: CompileContext, compile: (e: Expr) => Ev): Ev {
  if (node.name.length === 1) {
    const fn = cc.registry.functions.get(node.name[0]!.name);
    if (fn) return compileBuiltinCall(fn, node, cc, compile);
  }
  const cargs = compileArgs(node.args, compile, () => undefined);
  if (node.name.length === 1) return overridable(node.name[0]!.name, cargs, node, cc.site(), compileVariableCall(node, cargs));
  return compileDottedCall(node, cargs, cc);
}

/**
 * A function call site that a run-wide override (mock(), RunState.overrides) may replace: one
 * property check per call while the run has none.
 */
function overridable(name: string, cargs: CompiledArgs, node: CallExpr, site: number, ev: Ev): Ev {
  return (s) => {
    if (s.run.overrides !== undefined) {
      const o = s.run.overrideFunction(name);
      if (o) return callOverride(o, cargs, node, site, s);
    }
    return ev(s);
  };
}

const overrideBinders = new WeakMap<CompiledArgs, WeakMap<FunctionBuiltin, Binder>>();

/** Calls a replacing function with the call site's arguments (bound to its own schema). */
function callOverride(fn: FunctionBuiltin, cargs: CompiledArgs, node: CallExpr, site: number, s: Scope): MaybePromise<unknown> {
  let m = overrideBinders.get(cargs);
  if (!m) overrideBinders.set(cargs, (m = new WeakMap()));
  let binder = m.get(fn);
  if (!binder) m.set(fn, (binder = prepareBinder(fn, cargs.names, cargs.spans, node.span, cargs.hasUnpack)));
  const ctx = CallContext.of(s, fn.name, node.span, site);
  const ev = evaluateArgs(cargs, s);
  const b = binder;
  return ev instanceof Promise ? ev.then((x) => invokeFunction(fn, b, x, ctx)) : invokeFunction(fn, b, ev, ctx);
}

/** Binds, checks permissions and runs a function; failures are logged and give NULL. */
function invokeFunction(fn: FunctionBuiltin, binder: Binder, ev: EvaluatedArgs, ctx: CallContext): MaybePromise<unknown> {
  const bound = binder(ev, ctx);
  const go = (b: BoundArgs | BindError): MaybePromise<unknown> => {
    if (isBindError(b)) {
      logBindError(ctx, b);
      return fn.argErrorValue ?? null;
    }
    if (!checkPermissions(fn, ctx)) return null;
    let r: unknown;
    try {
      r = fn.run(b.args as never, ctx, b.rest);
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
  };
  return bound instanceof Promise ? bound.then(go) : go(bound);
}

function compileBuiltinCall(fn: FunctionBuiltin, node: CallExpr, cc: CompileContext, compile: (e: Expr) => Ev): Ev {
  const cargs = compileArgs(node.args, compile, (n) => (Object.hasOwn(fn.args, n) ? fn.args[n] : fn.rest));
  const site = cc.site();
  const span = node.span;
  const plan = planFastCall(fn, cargs);
  if (plan) return overridable(fn.name, cargs, node, site, compileFastCall(fn, cargs, plan, site, span));
  const binder = prepareBinder(fn, cargs.names, cargs.spans, span, cargs.hasUnpack);
  const name = fn.name;
  return overridable(name, cargs, node, site, (s) => {
    const ctx = CallContext.of(s, name, span, site);
    const ev = evaluateArgs(cargs, s);
    return ev instanceof Promise ? ev.then((x) => invokeFunction(fn, binder, x, ctx)) : invokeFunction(fn, binder, ev, ctx);
  });
}

function notCallable(s: Scope, name: string, node: CallExpr): null {
  s.run.report("VQL3006", [name], node.span);
  return null;
}

function compileVariableCall(node: CallExpr, cargs: CompiledArgs): Ev {
  const name = node.name[0]!.name;
  return (s) => {
    const b = s.lookup(name);
    if (b === NOT_FOUND) return symbolNotFound(s, name, node.path, node.span);
    if (!(b instanceof CallableBinding)) {
      if (b instanceof QueryValue) {
        // A stored query value called with arguments: bind them as variables.
        const ev = evaluateArgs(cargs, s);
        const bind = (x: EvaluatedArgs) => new BoundQuery(b, x);
        return ev instanceof Promise ? ev.then(bind) : bind(ev);
      }
      return notCallable(s, name, node);
    }
    const ev = evaluateArgs(cargs, s);
    const call = (x: EvaluatedArgs) => b.call(s, { names: x.names, values: x.values }, node.span);
    return ev instanceof Promise ? ev.then(call) : call(ev);
  };
}

/** A stored query value called with arguments (`X(Foo=1)` where X holds a query). */
class BoundQuery extends QueryValue {
  constructor(
    private readonly q: QueryValue,
    private readonly args: EvaluatedArgs,
  ) {
    super();
  }
  open(scope: unknown) {
    const s = (scope as Scope).withFreshAggregates();
    const vars: Record<string, unknown> = Object.create(null);
    this.args.names.forEach((n, i) => (vars[n] = this.args.values[i]));
    return this.q.open(s.withVars(vars));
  }
  describe(): string {
    return this.q.describe();
  }
  override get cacheKey(): unknown {
    return this.q.cacheKey;
  }
}

function compileDottedCall(node: CallExpr, cargs: CompiledArgs, cc: CompileContext): Ev {
  const site = cc.site();
  const first = node.name[0]!.name;
  return (s) => {
    const plugin = s.run.overridePlugin(node.path) ?? s.run.resolvePlugin?.(node.path);
    if (plugin) {
      // A dynamic plugin (Artifact.X.Y) in an expression: its rows as a list.
      const rows = collectStream(openPlugin(plugin, cargs, node.span, site, s), s.run);
      return rows instanceof Promise ? rows.then((r) => new RowsQuery(r)) : new RowsQuery(rows);
    }
    if (s.lookup(first) === NOT_FOUND) return symbolNotFound(s, first, node.path, node.span);
    return notCallable(s, node.path, node);
  };
}
