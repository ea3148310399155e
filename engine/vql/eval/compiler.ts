/**
 * The compile context factory: one per runVql (or per lambda/query() text), caching compiled
 * subqueries by node so each `{ SELECT }` compiles once.
 */
import type { SelectStatement } from "../ast/types";
import type { Registry } from "../builtins/registry";
import type { CompileContext } from "./compile-context";
import { CompiledSelect } from "./select";

let siteCounter = 0;

export function createCompileContext(registry: Registry): CompileContext {
  const queries = new Map<SelectStatement, CompiledSelect>();
  const cc: CompileContext = {
    registry,
    // Call-site ids are global so sites of different compilations never share aggregate slots.
    site: () => ++siteCounter,
    compileQuery(select) {
      let q = queries.get(select);
      if (!q) {
        q = new CompiledSelect(select, cc);
        queries.set(select, q);
      }
      return q;
    },
  };
  return cc;
}
