/** dict(), lazy_dict(), to_dict() and items() (function and plugin). */
import { getMember, MISSING } from "../../values/access";
import { dictGet, dictKeys, isDictLike, OrderedDict } from "../../values/ordered-dict";
import { LazyValue, QueryValue } from "../../values/query";
import { toVqlString } from "../../values/stringify";
import { arg } from "../arg";
import { defineFunction, definePlugin } from "../define";
import type { BuiltinContext } from "../types";

export const dictFunction = defineFunction({
  name: "dict",
  category: "basic",
  doc: "An ordered dict of the arguments, in argument order (`dict(a=1, b=2)`).",
  args: {},
  rest: arg.any().doc("A key and its value."),
  run(_args, _ctx, rest) {
    return new OrderedDict(rest);
  },
});

export const lazyDictFunction = defineFunction({
  name: "lazy_dict",
  category: "basic",
  impure: true,
  doc: "A dict whose values are evaluated only when read (useful with `**` unpacking).",
  args: {},
  rest: arg.lazy().doc("A key and its (unevaluated) value."),
  run(_args, _ctx, rest) {
    return new OrderedDict(rest.map(([k, v]) => [k, v]));
  },
});

async function toDict(item: unknown, ctx: BuiltinContext): Promise<OrderedDict> {
  if (item instanceof QueryValue || Array.isArray(item)) {
    const out = new OrderedDict();
    const rows = item instanceof QueryValue ? ((await ctx.materialize(item)) as unknown[]) : item;
    for (const r of rows) {
      const k = getMember(r, "_key");
      const v = getMember(r, "_value");
      if (k === MISSING || k === null) continue;
      out.set(typeof k === "string" ? k : toVqlString(k), v === MISSING ? null : v);
    }
    return out;
  }
  if (isDictLike(item)) return new OrderedDict(dictKeys(item).map((k) => [k, dictGet(item, k)]));
  return new OrderedDict();
}

export const toDictFunction = defineFunction({
  name: "to_dict",
  category: "basic",
  doc: "A dict from rows with `_key` and `_value` columns (a query or list), or from another dict's members.",
  args: { item: arg.any().doc("Rows with _key/_value columns, or a dict.") },
  run({ item }, ctx) {
    return toDict(item, ctx);
  },
});

async function itemRows(item: unknown, ctx: BuiltinContext): Promise<OrderedDict[]> {
  const row = (k: unknown, v: unknown) => new OrderedDict([["_key", k], ["_value", v]]);
  if (item instanceof LazyValue) item = await item.force();
  if (item === null || item === undefined) return [];
  if (item instanceof QueryValue) {
    const rows = (await ctx.materialize(item)) as unknown[];
    return rows.map((r, i) => row(i, r));
  }
  if (Array.isArray(item)) return item.map((v, i) => row(i, v));
  if (isDictLike(item)) return dictKeys(item).map((k) => row(k, dictGet(item, k)));
  if (typeof item === "object") return Object.keys(item).map((k) => row(k, (item as Record<string, unknown>)[k]));
  return [];
}

export const itemsFunction = defineFunction({
  name: "items",
  category: "basic",
  doc: "A list of `{_key, _value}` dicts: one per dict member, list element (key = index) or query row.",
  args: { item: arg.any().doc("A dict, list or query.") },
  run({ item }, ctx) {
    return itemRows(item, ctx);
  },
});

export const itemsPlugin = definePlugin({
  name: "items",
  category: "basic",
  doc: "Rows `{_key, _value}`: one per dict member, list element (key = index) or query row.",
  args: { item: arg.any().doc("A dict, list or query.") },
  async *run({ item }, ctx) {
    yield* await itemRows(item, ctx);
  },
});
