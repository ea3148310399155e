/**
 * similarity(): the share of keys two dicts agree on (same key, equal value) among all their
 * keys, from 0 to 1, as Velociraptor's similarity() (vql/functions/similarity.go).
 */
import { equals } from "../../values/equality";
import { arg } from "../arg";
import { defineFunction } from "../define";

export const similarityFunction = defineFunction({
  name: "similarity",
  category: "misc",
  doc: "Compare two Dicts for similarity: 1 minus the share of keys whose values differ or that only one has (0 when both are empty).",
  args: {
    set1: arg.dict().required().doc("The first set to compare."),
    set2: arg.dict().required().doc("The second set to compare."),
  },
  argErrorValue: 0,
  run({ set1, set2 }) {
    const keys = new Set([...set1.keys(), ...set2.keys()]);
    if (keys.size === 0) return 0;
    let differences = 0;
    for (const k of keys) if (!set1.has(k) || !set2.has(k) || !equals(set1.get(k), set2.get(k))) differences++;
    return 1 - differences / keys.size;
  },
});
