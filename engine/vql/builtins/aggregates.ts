/**
 * Aggregate functions (REFERENCE §5.7): state per call site in the current aggregate context
 * (the query, a GROUP BY bin, or a called LET). Without GROUP BY they return running values.
 */
import { lessThan } from "../values/ordering";
import { arg } from "./arg";
import { defineFunction } from "./define";

// Initial states, hoisted so a call allocates no closure.
const zero = () => 0;
const unset = () => ({ set: false, v: null as unknown });
const emptyList = (): unknown[] => [];
const noPrevious = (): { x: number; y: number } | null => null;

export const countFunction = defineFunction({
  name: "count",
  category: "aggregate",
  doc: "Count evaluations: the running count (per group with GROUP BY).",
  args: { items: arg.any().doc("Ignored (accepted for compatibility).") },
  run(_args, ctx) {
    const slot = ctx.aggregate(zero);
    return ++slot.value;
  },
});

export const sumFunction = defineFunction({
  name: "sum",
  category: "aggregate",
  doc: "Running sum of an integer item (floats are truncated before adding).",
  args: { item: arg.int().required().doc("The value to add.") },
  run({ item }, ctx) {
    const slot = ctx.aggregate(zero);
    slot.value += item;
    return slot.value;
  },
});

function extreme(name: "min" | "max") {
  return defineFunction({
    name,
    category: "aggregate",
    doc: `Running ${name === "min" ? "minimum" : "maximum"} of an item using the \`<\` protocol (works for strings).`,
    args: { item: arg.any().required().doc("The value to compare.") },
    run({ item }, ctx) {
      const slot = ctx.aggregate(unset);
      const s = slot.value;
      if (!s.set) {
        s.set = true;
        s.v = item;
      } else if (name === "min" ? lessThan(item, s.v) : lessThan(s.v, item)) s.v = item;
      return s.v;
    },
  });
}

export const minFunction = extreme("min");
export const maxFunction = extreme("max");

export const enumerateFunction = defineFunction({
  name: "enumerate",
  category: "aggregate",
  doc: "Collect every value into a list (per group with GROUP BY).",
  args: { items: arg.any().doc("The value to collect.") },
  run({ items }, ctx) {
    const slot = ctx.aggregate(emptyList);
    slot.value.push(items ?? null);
    return slot.value.slice();
  },
});

export const rateFunction = defineFunction({
  name: "rate",
  category: "aggregate",
  doc: "(x - previous x) / (y - previous y) since the previous evaluation; NULL the first time.",
  args: {
    x: arg.float().required().doc("The measured value."),
    y: arg.float().required().doc("The time (or other denominator)."),
  },
  run({ x, y }, ctx) {
    const slot = ctx.aggregate(noPrevious);
    const prev = slot.value;
    slot.value = { x, y };
    if (!prev || y === prev.y) return null;
    return (x - prev.x) / (y - prev.y);
  },
});
