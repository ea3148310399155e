/**
 * Call arguments: compiling `name=value` lists and evaluating them at call time. Bracket lists
 * (`x=[...]`) are evaluated first, when the call is built; other values follow in order; `lazy`
 * arguments are wrapped unevaluated; `` `**`=dict `` replaces all arguments by the dict's members.
 */
import type { Arg, Span } from "../ast/types";
import type { AnyArgSpec } from "../builtins/arg";
import { dictGet, dictKeys, isDictLike } from "../values/ordered-dict";
import type { MaybePromise } from "../values/query";
import type { Ev } from "./compile-context";
import { LazyExpr } from "./query-values";
import type { Scope } from "./scope";

export interface CompiledArg {
  name: string;
  span: Span;
  ev: Ev;
  /** Evaluated before the others (a `[...]` list). */
  early: boolean;
  /** Passed unevaluated (the builtin declares it `arg.lazy()`). */
  lazy: boolean;
  unpack: boolean;
}

export interface EvaluatedArgs {
  names: string[];
  values: unknown[];
  spans: Span[];
}

export interface CompiledArgs {
  list: CompiledArg[];
  names: string[];
  spans: Span[];
  hasUnpack: boolean;
}

export function compileArgs(
  args: readonly Arg[],
  compile: (e: Arg["value"]) => Ev,
  specOf: (name: string) => AnyArgSpec | undefined,
): CompiledArgs {
  const list = args.map((a): CompiledArg => {
    const spec = a.unpack ? undefined : specOf(a.name.name);
    return {
      name: a.name.name,
      span: a.span,
      ev: compile(a.value),
      early: a.value.kind === "array" && a.value.syntax === "bracket" && spec?.kind !== "lazy",
      lazy: spec?.kind === "lazy",
      unpack: a.unpack || a.name.name === "**",
    };
  });
  return { list, names: list.map((a) => a.name), spans: list.map((a) => a.span), hasUnpack: list.some((a) => a.unpack) };
}

/**
 * Evaluates compiled arguments in `s`. The result's arrays are in call order; with `**`
 * unpacking, the dict's members replace everything.
 */
export function evaluateArgs(compiled: CompiledArgs, s: Scope): MaybePromise<EvaluatedArgs> {
  const cargs = compiled.list;
  const n = cargs.length;
  const values = new Array<unknown>(n);
  let pending = false;
  for (let i = 0; i < n; i++) {
    const a = cargs[i]!;
    if (!a.early) continue;
    const v = a.ev(s);
    if (v instanceof Promise) pending = true;
    values[i] = v;
  }
  for (let i = 0; i < n; i++) {
    const a = cargs[i]!;
    if (a.early) continue;
    if (a.lazy) {
      values[i] = new LazyExpr(a.ev, s);
      continue;
    }
    const v = a.ev(s);
    if (v instanceof Promise) pending = true;
    values[i] = v;
  }
  return pending ? Promise.all(values).then((v) => finishArgs(compiled, v)) : finishArgs(compiled, values);
}

function finishArgs(compiled: CompiledArgs, vals: unknown[]): EvaluatedArgs {
  const cargs = compiled.list;
  const n = cargs.length;
  if (compiled.hasUnpack) {
    for (let i = 0; i < n; i++) {
      if (!cargs[i]!.unpack) continue;
      const d = vals[i];
      if (!isDictLike(d)) continue;
      const keys = dictKeys(d);
      return { names: keys.slice(), values: keys.map((k) => dictGet(d, k)), spans: keys.map(() => cargs[i]!.span) };
    }
  }
  return { names: compiled.names, values: vals, spans: compiled.spans };

}
