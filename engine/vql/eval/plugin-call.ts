/**
 * Opening a builtin plugin as a row stream: evaluate and bind the arguments, check
 * permissions, run, and adapt the result. Argument and permission errors are logged and give
 * no rows.
 */
import type { Span } from "../ast/types";
import type { BindError, BoundArgs } from "../builtins/coerce";
import type { PluginBuiltin } from "../builtins/types";
import type { RowStream } from "../values/query";
import { evaluateArgs, type CompiledArgs, type EvaluatedArgs } from "./args";
import { CallContext } from "./context";
import { checkPermissions, isBindError, logBindError, logBuiltinFailure, prepareBinder, type Binder } from "./invoke";
import type { Scope } from "./scope";
import { EMPTY_STREAM, lazyStream, streamFrom } from "./stream";

const binders = new WeakMap<CompiledArgs, WeakMap<PluginBuiltin, Binder>>();

function binderFor(plugin: PluginBuiltin, cargs: CompiledArgs, span: Span): Binder {
  let m = binders.get(cargs);
  if (!m) binders.set(cargs, (m = new WeakMap()));
  let b = m.get(plugin);
  if (!b) m.set(plugin, (b = prepareBinder(plugin, cargs.names, cargs.spans, span, cargs.hasUnpack)));
  return b;
}

/** Bound arguments of a call without arguments (defaults only), or undefined when some are required. */
export function noArgBinding(plugin: PluginBuiltin): BoundArgs | undefined {
  const args: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(plugin.args)) {
    if (spec.hasDefault) args[name] = spec.defaultValue;
    else if (spec.isRequired) return undefined;
  }
  return { args, rest: [] };
}

/** A call with no arguments at all: nothing to evaluate or bind. */
export function openPluginNoArgs(plugin: PluginBuiltin, bound: BoundArgs, span: Span, site: number, s: Scope): RowStream {
  return runPlugin(plugin, CallContext.of(s, plugin.name, span, site), { args: { ...bound.args }, rest: [] });
}

export function openPlugin(plugin: PluginBuiltin, cargs: CompiledArgs, span: Span, site: number, s: Scope, staticBinder?: Binder): RowStream {
  const ctx = CallContext.of(s, plugin.name, span, site);
  const binder = staticBinder ?? binderFor(plugin, cargs, span);
  const ev = evaluateArgs(cargs, s);
  return ev instanceof Promise ? lazyStream(ev.then((x) => startPlugin(plugin, binder, ctx, x))) : startPlugin(plugin, binder, ctx, ev);
}

function startPlugin(plugin: PluginBuiltin, binder: Binder, ctx: CallContext, ev: EvaluatedArgs): RowStream {
  const bound = binder(ev, ctx);
  return bound instanceof Promise ? lazyStream(bound.then((b) => runPlugin(plugin, ctx, b))) : runPlugin(plugin, ctx, bound);
}

function runPlugin(plugin: PluginBuiltin, ctx: CallContext, b: BoundArgs | BindError): RowStream {
  if (isBindError(b)) {
    logBindError(ctx, b);
    return EMPTY_STREAM;
  }
  if (plugin.permissions !== undefined && !checkPermissions(plugin, ctx)) return EMPTY_STREAM;
  try {
    return streamFrom(plugin.run(b.args as never, ctx, b.rest), (e) => logBuiltinFailure(ctx, e), ctx.signal);
  } catch (e) {
    logBuiltinFailure(ctx, e);
    return EMPTY_STREAM;
  }
}
