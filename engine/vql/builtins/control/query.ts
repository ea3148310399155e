/** query(): run VQL text (or a stored query) in a child scope; column_filter(): keep/drop columns. */
import { compileRegex, isRegexError, type CompiledRegex } from "../../regex/compile";
import { dictGet, dictKeys, isDictLike, OrderedDict } from "../../values/ordered-dict";
import { QueryValue } from "../../values/query";
import { arg } from "../arg";
import { definePlugin } from "../define";
import type { BuiltinContext } from "../types";

export const queryPlugin = definePlugin({
  name: "query",
  category: "basic",
  doc: "Run a query given as VQL text (or a stored query) in a child scope with `env` variables and stream its rows.",
  args: {
    query: arg.any().required().doc("VQL text or a stored query."),
    env: arg.dict().doc("Variables visible to the query."),
  },
  async *run({ query, env }, ctx) {
    if (query instanceof QueryValue) {
      yield* ctx.toQuery(query).rows(env);
      return;
    }
    if (typeof query !== "string") {
      ctx.log("ERROR", "query: `query` must be VQL text or a stored query");
      return;
    }
    yield* ctx.runQuery(query, env);
  },
});

function compileAll(patterns: string[] | undefined, ctx: BuiltinContext): CompiledRegex[] | null {
  const out: CompiledRegex[] = [];
  for (const p of patterns ?? []) {
    const re = compileRegex(p, { caseInsensitive: true });
    if (isRegexError(re)) {
      ctx.log("ERROR", `column_filter: Compile regexp: ${re.error}`);
      return null;
    }
    out.push(re);
  }
  return out;
}

export const columnFilterPlugin = definePlugin({
  name: "column_filter",
  category: "basic",
  doc: "Rows of `query` keeping only columns matching an `include` regex and dropping those matching an `exclude` regex.",
  args: {
    query: arg.query().required().doc("The rows."),
    include: arg.list(arg.string()).doc("Keep columns matching any of these regexes (default: all)."),
    exclude: arg.list(arg.string()).doc("Drop columns matching any of these regexes."),
  },
  async *run({ query, include, exclude }, ctx) {
    const inc = compileAll(include, ctx);
    const exc = compileAll(exclude, ctx);
    if (!inc || !exc) return;
    for await (const row of query.rows()) {
      if (!isDictLike(row)) continue;
      const out = new OrderedDict();
      for (const k of dictKeys(row)) {
        if (inc.length && !inc.some((r) => r.test(k))) continue;
        if (exc.some((r) => r.test(k))) continue;
        out.set(k, dictGet(row, k));
      }
      yield out;
    }
  },
});
