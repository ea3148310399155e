/**
 * What the compilers share while turning one parse result into closures: the registry, a call
 * site counter (aggregate state is keyed by call site), and the SELECT compiler (subqueries).
 */
import type { SelectStatement } from "../ast/types";
import type { Registry } from "../builtins/registry";
import type { CompiledQuery } from "./query-values";
import type { Scope } from "./scope";

/** A compiled expression: evaluates in a scope to a value or a Promise of one. */
export type Ev = (s: Scope) => unknown;

export interface CompileContext {
  readonly registry: Registry;
  /** A new call-site id. */
  site(): number;
  compileQuery(select: SelectStatement): CompiledQuery;
}

export type { Scope };
