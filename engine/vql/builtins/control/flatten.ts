/**
 * flatten(): expands list-valued columns into one row per element (cartesian product over
 * several list columns, the first varying fastest); empty lists and dicts are left as they are.
 */
import { isDictLike, dictKeys, dictGet, OrderedDict } from "../../values/ordered-dict";
import { arg } from "../arg";
import { definePlugin } from "../define";

export function flattenRow(row: unknown): unknown[] {
  if (!isDictLike(row)) return [row];
  const keys = dictKeys(row);
  const vals = keys.map((k) => dictGet(row, k));
  const lists = keys.map((_, i) => i).filter((i) => Array.isArray(vals[i]) && (vals[i] as unknown[]).length > 0);
  if (lists.length === 0) return [row];
  const idx = lists.map(() => 0);
  const out: unknown[] = [];
  for (;;) {
    const d = new OrderedDict();
    keys.forEach((k, i) => {
      const li = lists.indexOf(i);
      d.set(k, li >= 0 ? (vals[i] as unknown[])[idx[li]!] : vals[i]);
    });
    out.push(d);
    let j = 0;
    while (j < lists.length) {
      idx[j]!++;
      if (idx[j]! < (vals[lists[j]!] as unknown[]).length) break;
      idx[j] = 0;
      j++;
    }
    if (j === lists.length) return out;
  }
}

export const flattenPlugin = definePlugin({
  name: "flatten",
  category: "basic",
  doc: "Expand list-valued columns of each row into one row per element (cartesian product across columns).",
  args: { query: arg.query().required().doc("The rows to flatten.") },
  async *run({ query }) {
    for await (const row of query.rows()) yield* flattenRow(row);
  },
});
