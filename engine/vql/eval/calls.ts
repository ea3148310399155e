/**
 * Calls in expressions: `f(args)`. An undotted name tries the function table first (a LET
 * cannot shadow a builtin when called), then variables (parameterised LETs, stored queries).
 * Dotted names go through RunOptions.resolvePlugin (Artifact.X.Y) and then the scope.
 */
import type { CallExpr, Expr } from "../ast/types";
import type { FunctionBuiltin } from "../builtins/types";
import { QueryValue, type MaybePromise } from "../values/query";
import { compileArgs, evaluateArgs, type CompiledArgs, type EvaluatedArgs } from "./args";
import type { CompileContext, Ev } from "./compile-context";
import { CallContext } from "./context";
import { checkPermissions, isBindError, logBindError, logBuiltinFailure, prepareBinder } from "./invoke";
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
  if (node.name.length === 1) return compileVariableCall(node, cargs);
  return compileDottedCall(node, cargs, cc);
}

function compileBuiltinCall(fn: FunctionBuiltin, node: CallExpr, cc: CompileContext, compile: (e: Expr) => Ev): Ev {
  const cargs = compileArgs(node.args, compile, (n) => (Object.hasOwn(fn.args, n) ? fn.args[n] : fn.rest));
  const site = cc.site();
  const span = node.span;
  const plan = planFastCall(fn, cargs);
  if (plan) return compileFastCall(fn, cargs, plan, site, span);
  const binder = prepareBinder(fn, cargs.names, cargs.spans, span, cargs.hasUnpack);
  const errValue = fn.argErrorValue ?? null;
  const name = fn.name;
  const invoke = (ev: EvaluatedArgs, ctx: CallContext): MaybePromise<unknown> => {
    const bound = binder(ev, ctx);
    const go = (b: typeof bound extends MaybePromise<infer X> ? X : never): MaybePromise<unknown> => {
      if (isBindError(b)) {
        logBindError(ctx, b);
        return errValue;
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
  };
  return (s) => {
    const ctx = CallContext.of(s, name, span, site);
    const ev = evaluateArgs(cargs, s);
    return ev instanceof Promise ? ev.then((x) => invoke(x, ctx)) : invoke(ev, ctx);
  };
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
    const plugin = s.run.resolvePlugin?.(node.path);
    if (plugin) {
      // A dynamic plugin (Artifact.X.Y) in an expression: its rows as a list.
      const rows = collectStream(openPlugin(plugin, cargs, node.span, site, s), s.run);
      return rows instanceof Promise ? rows.then((r) => new RowsQuery(r)) : new RowsQuery(rows);
    }
    if (s.lookup(first) === NOT_FOUND) return symbolNotFound(s, first, node.path, node.span);
    return notCallable(s, node.path, node);
  };
}
