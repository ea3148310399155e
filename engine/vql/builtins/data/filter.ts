/** filter(), all(), any(): list predicates with a lambda `condition` or a `regex`. */
import { compileRegex, isRegexError } from "../../regex/compile";
import { matchValue } from "../../regex/match";
import { QueryValue } from "../../values/query";
import { arg } from "../arg";
import { defineFunction } from "../define";
import type { BuiltinContext } from "../types";

async function predicate(ctx: BuiltinContext, lambda: string | undefined, regex: string | undefined): Promise<((v: unknown) => Promise<boolean>) | null> {
  if (regex !== undefined) {
    const re = compileRegex(regex, { caseInsensitive: true });
    if (isRegexError(re)) {
      ctx.log("ERROR", `${ctx.name}: Compile regexp: ${re.error}`);
      return null;
    }
    return async (v) => matchValue(re, v);
  }
  if (lambda !== undefined) return async (v) => ctx.isTruthy(await ctx.evalLambda(lambda, [v]));
  return async (v) => ctx.isTruthy(v);
}

async function listOf(v: unknown, ctx: BuiltinContext): Promise<unknown[]> {
  if (v instanceof QueryValue) return (await ctx.materialize(v)) as unknown[];
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export const filterFunction = defineFunction({
  name: "filter",
  category: "basic",
  impure: true,
  doc: "The elements of `list` for which the lambda `condition` is truthy, or that match `regex` (case-insensitive).",
  args: {
    list: arg.any().required().doc("The list (or query) to filter."),
    regex: arg.string().doc("Keep elements matching this regular expression."),
    condition: arg.string().doc("Keep elements for which this lambda (`x => ...`) is truthy."),
  },
  async run({ list, regex, condition }, ctx) {
    const test = await predicate(ctx, condition, regex);
    if (!test) return null;
    const out: unknown[] = [];
    for (const v of await listOf(list, ctx)) if (await test(v)) out.push(v);
    return out;
  },
});

function quantifier(name: "all" | "any") {
  return defineFunction({
    name,
    category: "basic",
    impure: true,
    doc: `TRUE if ${name === "all" ? "every" : "any"} element passes the lambda \`filter\` (or matches \`regex\`; default: is truthy).`,
    args: {
      items: arg.any().required().doc("The list (or query) to test."),
      filter: arg.string().doc("Lambda applied to each element (`x => ...`)."),
      regex: arg.string().doc("Regular expression each element must match."),
    },
    async run({ items, filter, regex }, ctx) {
      const test = await predicate(ctx, filter, regex);
      if (!test) return false;
      for (const v of await listOf(items, ctx)) {
        const ok = await test(v);
        if (name === "all" && !ok) return false;
        if (name === "any" && ok) return true;
      }
      return name === "all";
    },
  });
}

export const allFunction = quantifier("all");
export const anyFunction = quantifier("any");
