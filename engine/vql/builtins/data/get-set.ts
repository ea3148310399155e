/** get() (dotted-path lookup with a default) and set() (in-place dict update). */
import { getIndex, getMember, MISSING } from "../../values/access";
import { isDictLike, OrderedDict } from "../../values/ordered-dict";
import { QueryValue } from "../../values/query";
import { arg } from "../arg";
import { defineFunction } from "../define";

function step(v: unknown, part: string): unknown {
  if (Array.isArray(v) && /^-?\d+$/.test(part)) return v.length ? getIndex(v, Number(part)) : MISSING;
  return getMember(v, part);
}

export const getFunction = defineFunction({
  name: "get",
  category: "basic",
  impure: true,
  doc: "Look up a dotted path (`member='a.0.b'`, numbers index lists) or one `field` in `item` (or in the scope when no item is given).",
  args: {
    item: arg.any().doc("The value to look into; the scope when omitted."),
    member: arg.string().doc("A dotted path of members."),
    field: arg.any().doc("A single member name (dots allowed) or list index."),
    default: arg.any().doc("Returned when the member is missing."),
  },
  async run({ item, member, field, default: dflt }, ctx) {
    const fallback = dflt ?? null;
    let v: unknown = item instanceof QueryValue ? await ctx.materialize(item) : item;
    if (field !== undefined && field !== null) {
      // Velociraptor: with no item, the field is looked up in the scope (get(field="Tool_" + ToolName + "_HASH")).
      if (v === undefined) {
        const found = await ctx.lookup(String(field));
        return found === undefined || found === null ? fallback : found;
      }
      const r = typeof field === "number" ? getIndex(v, field) : getMember(v, String(field));
      return r === MISSING || r === null ? fallback : r;
    }
    if (member === undefined) return v ?? fallback;
    const parts = member.split(".");
    if (v === undefined) {
      const first = await ctx.lookup(parts.shift()!);
      if (first === undefined) return fallback;
      v = first;
    }
    for (const p of parts) {
      v = step(v, p);
      if (v === MISSING || v === null || v === undefined) return fallback;
    }
    return v;
  },
});

export const setFunction = defineFunction({
  name: "set",
  category: "basic",
  impure: true,
  doc: "Set `field` to `value` on the dict `item` in place (the key moves to the end) and return the dict.",
  args: {
    item: arg.any().required().doc("The dict to change."),
    field: arg.string().required().doc("The key to set."),
    value: arg.any().required().doc("The new value."),
  },
  run({ item, field, value }, ctx) {
    if (item instanceof OrderedDict) return item.set(field, value);
    if (isDictLike(item)) {
      const obj = item as Record<string, unknown>;
      delete obj[field];
      obj[field] = value;
      return obj;
    }
    ctx.log("ERROR", "set: item is not a dict");
    return null;
  },
});
