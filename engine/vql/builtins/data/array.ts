/** array(), len(), slice(): list construction and measurement. */
import { byteLength, Bytes } from "../../values/bytes";
import { dictKeys, isDictLike } from "../../values/ordered-dict";
import { LazyValue, QueryValue } from "../../values/query";
import { arg } from "../arg";
import { defineFunction } from "../define";

export const arrayFunction = defineFunction({
  name: "array",
  category: "basic",
  doc: "A list of the argument values in order; a list (or query) given as `_` is spliced in first.",
  args: { _: arg.any().doc("A list or query whose elements (rows) start the array.") },
  rest: arg.any().doc("An element (argument names are free)."),
  async run({ _: first }, ctx, rest) {
    const out: unknown[] = [];
    if (first !== undefined) {
      const v = first instanceof QueryValue || first instanceof LazyValue ? await ctx.materialize(first) : first;
      if (Array.isArray(v)) out.push(...v);
      else out.push(v);
    }
    for (const [, v] of rest) out.push(v);
    return out;
  },
});

export const lenFunction = defineFunction({
  name: "len",
  category: "basic",
  doc: "Length of a list, string (in bytes), dict or materialised query; 0 for a lazy query or a scalar.",
  args: { list: arg.any().required().doc("The value to measure.") },
  run: ({ list }) => lengthOf(list),
  unary: lengthOf,
});

function lengthOf(list: unknown): number {
  if (Array.isArray(list)) return list.length;
  if (typeof list === "string" || list instanceof Bytes) return byteLength(list);
  if (isDictLike(list)) return dictKeys(list).length;
  return 0;
}

export const sliceFunction = defineFunction({
  name: "slice",
  category: "basic",
  doc: "Elements start (inclusive) to end (exclusive) of a list, clamped to its length; a dict gives its keys.",
  args: {
    list: arg.any().required().doc("A list (or dict)."),
    start: arg.int().required().doc("First index."),
    end: arg.int().required().doc("Index to stop before."),
  },
  async run({ list, start, end }, ctx) {
    let v = list instanceof QueryValue ? await ctx.materialize(list) : list;
    if (isDictLike(v)) v = dictKeys(v).slice();
    if (!Array.isArray(v)) return null;
    const s = Math.max(0, Math.min(v.length, start));
    const e = Math.max(0, Math.min(v.length, end));
    return e <= s ? [] : v.slice(s, e);
  },
});
