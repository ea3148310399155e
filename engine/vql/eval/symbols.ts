/**
 * Name resolution in expressions: `X`, `X.y.z` (REFERENCE §5.1, §6.8). The first part goes
 * through the scope (a missing one logs "Symbol X not found"); later parts are members and are
 * silently NULL when missing. Member access on a stored query projects its rows. An unbound
 * dotted name that RunOptions.resolvePlugin knows (`Artifact.X`) is that plugin.
 */
import type { Span, SymbolRef } from "../ast/types";
import { getMember, MISSING } from "../values/access";
import { LazyValue, QueryValue, type MaybePromise } from "../values/query";
import type { Ev } from "./compile-context";
import { materializeQuery } from "./materialize";
import { Binding, lookupName, NOT_FOUND, type Scope } from "./scope";

const MAX_LISTED = 30;

export function symbolNotFound(s: Scope, first: string, path: string, span: Span): null {
  const names = s.names();
  const listed = names.slice(0, MAX_LISTED).join(" ") + (names.length > MAX_LISTED ? " ..." : "");
  const prefix = path === first ? "" : `While resolving ${path} `;
  const elsewhere = s.run.registry.elsewhere;
  if (path === first && elsewhere?.functions.has(first)) {
    s.run.report("VQL3005", [`\`${first}\` is available on ${elsewhere.where}: ${elsewhere.howToRun}. `, first, listed], span);
    return null;
  }
  s.run.report("VQL3005", [prefix, first, listed], span);
  return null;
}

/** Resolves a variable for a value use: Bindings are evaluated in the referencing scope. */
export function resolveName(s: Scope, name: string): unknown {
  const v = s.lookup(name);
  if (v instanceof Binding) return v.resolve(s);
  return v;
}

/** `v.name` with stored-query projection (rows lacking the member give NULL). */
export function memberOf(v: unknown, name: string, s: Scope): MaybePromise<unknown> {
  if (typeof v === "object" && v !== null) {
    if (v instanceof Promise) return v.then((x) => memberOf(x, name, s));
    if (v instanceof QueryValue) {
      const rows = materializeQuery(v, s);
      const project = (list: unknown[]) =>
        list.map((r) => {
          const m = getMember(r, name);
          return m === MISSING ? null : m;
        });
      return rows instanceof Promise ? rows.then(project) : project(rows);
    }
    if (v instanceof LazyValue) {
      const f = v.force();
      return f instanceof Promise ? f.then((x) => memberOf(x, name, s)) : memberOf(f, name, s);
    }
  }
  const m = getMember(v, name);
  return m === MISSING ? null : m;
}

function memberChain(v: unknown, names: readonly string[], i: number, s: Scope): MaybePromise<unknown> {
  for (; i < names.length; i++) {
    if (v instanceof Promise) {
      const at = i;
      return v.then((x) => memberChain(x, names, at, s));
    }
    v = memberOf(v, names[i]!, s);
  }
  return v;
}

export function compileSymbol(node: SymbolRef): Ev {
  const names = node.parts.map((p) => p.name);
  const first = names[0]!;
  const path = node.parts.map((p) => p.raw).join(".");
  const span = node.span;
  if (names.length === 1) {
    return (s) => {
      const v = lookupName(s, first);
      if (v === NOT_FOUND) return symbolNotFound(s, first, path, span);
      if (v instanceof Binding) return v.resolve(s, span);
      return v;
    };
  }
  const rest = names.slice(1);
  const dotted = names.join(".");
  return (s) => {
    let v = lookupName(s, first);
    if (v === NOT_FOUND) {
      // `Artifact.X` not called is the artifact's plugin, as in Velociraptor (mock(artifact=...)).
      const plugin = s.run.resolvePlugin?.(dotted);
      return plugin ?? symbolNotFound(s, first, path, span);
    }
    if (v instanceof Binding) v = v.resolve(s, span);
    return memberChain(v, rest, 0, s);
  };
}
