/**
 * Whether a WHERE / GROUP BY expression may need the SELECT's aliases (REFERENCE §5.2 step 2).
 * When it cannot, the evaluator skips building the lazy row (two allocations per row). The
 * static part looks at the names the expression mentions and at calls that read the scope by
 * name (lambdas, get(), scope()...); the dynamic part, checked once per run of the query, looks
 * for lazy LETs among those names (their bodies are evaluated in the row's scope).
 */
import type { Expr } from "../ast/types";
import { collect } from "../ast/walk";
import type { Registry } from "../builtins/registry";
import { CallableBinding } from "./bindings";
import type { Scope } from "./scope";

/** Builtins that resolve names at run time (lambdas, scope lookups, VQL text). */
const DYNAMIC_BUILTINS = new Set(["get", "scope", "eval", "filter", "all", "any", "regex_replace", "query", "lazy_dict"]);

export interface AliasNeed {
  /** Always needs the lazy row. */
  always: boolean;
  /** Names to check against the scope when a run starts. */
  names: string[];
}

export function aliasNeed(expr: Expr | undefined, aliases: ReadonlySet<string>, registry: Registry): AliasNeed {
  if (!expr) return { always: false, names: [] };
  const names = new Set(collect(expr, "symbol").map((s) => s.parts[0]!.name));
  for (const c of collect(expr, "call")) {
    const n = c.name[0]!.name;
    if (c.name.length > 1 || !registry.functions.has(n) || DYNAMIC_BUILTINS.has(n)) return { always: true, names: [] };
  }
  if (collect(expr, "subquery").length > 0) return { always: true, names: [] };
  for (const n of names) if (aliases.has(n)) return { always: true, names: [] };
  return { always: false, names: [...names] };
}

/** True when one of the names is a LET expression (it might read an alias when evaluated). */
export function needsLazyAt(need: AliasNeed, scope: Scope): boolean {
  if (need.always) return true;
  for (const n of need.names) if (scope.lookup(n) instanceof CallableBinding) return true;
  return false;
}
