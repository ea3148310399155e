/**
 * Lambdas: the `x => expr` / `a, b => expr` strings that filter(), eval(), all()... take
 * (REFERENCE §3). The body is parsed as a VQL expression, compiled once per run and text, and
 * evaluated with the parameters bound on top of the members of `scopeValue` and the caller's
 * scope.
 */
import type { Span } from "../ast/types";
import { parseLambda } from "../parser/index";
import { formatMessage } from "../diagnostics";
import { isDictLike, OrderedDict, dictKeys, dictGet } from "../values/ordered-dict";
import type { MaybePromise } from "../values/query";
import type { Ev } from "./compile-context";
import { createCompileContext } from "./compiler";
import { compileExpr } from "./expr";
import type { Scope } from "./scope";
import { Lru } from "../regex/lru";

interface CompiledLambda {
  params: string[];
  ev: Ev;
}

const cache = new WeakMap<object, Lru<string, CompiledLambda | string>>();

/** Parses and compiles a lambda; a string result is an error message. */
export function compileLambda(source: string, scope: Scope): CompiledLambda | string {
  const registry = scope.run.registry;
  let lru = cache.get(registry);
  if (!lru) cache.set(registry, (lru = new Lru(256)));
  const hit = lru.get(source);
  if (hit !== undefined) return hit;
  const parsed = parseLambda(source);
  const err = parsed.diagnostics.find((d) => d.severity === "error");
  const result: CompiledLambda | string =
    err || !parsed.expr
      ? formatMessage("VQL3015", [source, err?.message ?? "expected `x => expression`"])
      : { params: parsed.params.map((p) => p.name), ev: compileExpr(parsed.expr, createCompileContext(registry)) };
  lru.set(source, result);
  return result;
}

/** Evaluates a lambda with positional arguments. Errors are logged and give NULL. */
export function evalLambdaText(
  source: string,
  args: unknown[],
  scopeValue: unknown,
  scope: Scope,
  span: Span,
): MaybePromise<unknown> {
  const l = compileLambda(source, scope);
  if (typeof l === "string") {
    scope.run.log("ERROR", l, span, "VQL3015");
    return null;
  }
  return callLambda(l, args, scopeValue, scope);
}

export function callLambda(l: CompiledLambda, args: unknown[], scopeValue: unknown, scope: Scope): MaybePromise<unknown> {
  let s = scope.deeper();
  if (isDictLike(scopeValue)) {
    const vars = new OrderedDict();
    for (const k of dictKeys(scopeValue)) vars.set(k, dictGet(scopeValue, k));
    s = s.withVars(vars);
  }
  const vars = new OrderedDict();
  l.params.forEach((p, i) => {
    if (i < args.length) vars.set(p, args[i]);
  });
  return l.ev(s.withVars(vars));
}
