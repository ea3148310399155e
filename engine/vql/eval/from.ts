/**
 * The FROM clause: `plugin(args)` (plugin table first when undotted and called), `Var`,
 * `Var(args)` (a LET called as a plugin), `A.B.C(args)` (RunOptions.resolvePlugin, then the
 * scope). Unknown names log "Plugin X not found" with hints and give no rows. A run-wide
 * override (mock(), RunState.overrides) of the called name comes first.
 */
import type { Expr, PluginCall } from "../ast/types";
import type { Registry } from "../builtins/registry";
import { editDistance } from "../builtins/coerce";
import { QueryValue, type RowStream } from "../values/query";
import { compileArgs, evaluateArgs, type CompiledArgs, type EvaluatedArgs } from "./args";
import type { CompileContext, Ev } from "./compile-context";
import { CallableBinding } from "./bindings";
import { noArgBinding, openPlugin, openPluginNoArgs } from "./plugin-call";
import { prepareBinder } from "./invoke";
import { rowsFromValue } from "./rows";
import { Binding, NOT_FOUND, type Scope } from "./scope";
import { EMPTY_STREAM, lazyStream } from "./stream";
import { memberOf } from "./symbols";

function nearestPlugin(name: string, registry: Registry): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const p of [...registry.plugins.keys(), ...(registry.elsewhere?.plugins ?? [])]) {
    const d = editDistance(name.toLowerCase(), p.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function pluginNotFound(s: Scope, p: PluginCall, registry: Registry): RowStream {
  const name = p.name[0]!.name;
  let hint = "";
  const elsewhere = registry.elsewhere;
  if (p.name.length === 1 && elsewhere?.plugins.has(name)) {
    hint = ` \`${name}\` is available on ${elsewhere.where}: ${elsewhere.howToRun}`;
  } else if (p.name.length === 1 && registry.functions.has(name)) {
    hint = ` There is a VQL function called "${name}" - did you mean to call this function instead?`;
  } else {
    const near = nearestPlugin(p.path, registry);
    if (near) hint = ` Did you mean ${near}?${elsewhere?.plugins.has(near) ? ` (\`${near}\` is available on ${elsewhere.where}: ${elsewhere.howToRun})` : ""}`;
  }
  s.run.report("VQL3007", [p.path, hint], p.span);
  return EMPTY_STREAM;
}

/** The rows of a run-wide override of this plugin (mock()), or undefined when it has none. */
function overridden(s: Scope, p: PluginCall, cargs: CompiledArgs, site: number): RowStream | undefined {
  const o = s.run.overridePlugin(p.path);
  return o ? openPlugin(o, cargs, p.span, site, s) : undefined;
}

export function compileFrom(p: PluginCall, cc: CompileContext, compile: (e: Expr) => Ev): (s: Scope) => RowStream {
  const first = p.name[0]?.name ?? "";
  const site = cc.site();
  if (p.called && p.name.length === 1) {
    const plugin = cc.registry.plugins.get(first);
    if (plugin) {
      const cargs = compileArgs(p.args, compile, (n) => (Object.hasOwn(plugin.args, n) ? plugin.args[n] : plugin.rest));
      const none = cargs.list.length === 0 ? noArgBinding(plugin) : undefined;
      if (none) return (s) => (s.run.overrides !== undefined && overridden(s, p, cargs, site)) || openPluginNoArgs(plugin, none, p.span, site, s);
      const binder = prepareBinder(plugin, cargs.names, cargs.spans, p.span, cargs.hasUnpack);
      return (s) => (s.run.overrides !== undefined && overridden(s, p, cargs, site)) || openPlugin(plugin, cargs, p.span, site, s, binder);
    }
  }
  const cargs = compileArgs(p.args, compile, () => undefined);
  const registry = cc.registry;
  return (s) => {
    if (p.called && s.run.overrides !== undefined) {
      const o = overridden(s, p, cargs, site);
      if (o) return o;
    }
    if (p.name.length > 1 && p.called) {
      const plugin = s.run.resolvePlugin?.(p.path);
      if (plugin) return openPlugin(plugin, cargs, p.span, site, s);
    }
    const v = s.lookup(first);
    if (v === NOT_FOUND) {
      const plugin = p.name.length === 1 ? registry.plugins.get(first) : undefined;
      if (plugin) return openPlugin(plugin, cargs, p.span, site, s);
      return pluginNotFound(s, p, registry);
    }
    if (p.name.length > 1) {
      let x: unknown = v instanceof Binding ? v.resolve(s) : v;
      for (const part of p.name.slice(1)) x = memberOf(x, part.name, s);
      return rowsFromValue(x, s);
    }
    if (v instanceof CallableBinding && p.called) {
      const ev = evaluateArgs(cargs, s);
      const open = (x: EvaluatedArgs) => v.openAsPlugin(s, { names: x.names, values: x.values }, p.span);
      return ev instanceof Promise ? lazyStream(ev.then(open)) : open(ev);
    }
    const value = v instanceof Binding ? v.resolve(s) : v;
    if (p.called && p.args.length > 0 && value instanceof QueryValue) {
      const ev = evaluateArgs(cargs, s);
      const open = (x: EvaluatedArgs) => {
        const vars: Record<string, unknown> = Object.create(null);
        x.names.forEach((n, i) => (vars[n] = x.values[i]));
        return value.open(s.withFreshAggregates().withVars(vars));
      };
      return ev instanceof Promise ? lazyStream(ev.then(open)) : open(ev);
    }
    return rowsFromValue(value, s);
  };
}
