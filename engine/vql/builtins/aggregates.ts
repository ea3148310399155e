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

function countStep(slot: { value: number }): number {
  return ++slot.value;
}

export const countFunction = defineFunction({
  name: "count",
  category: "aggregate",
  doc: "Count evaluations: the running count (per group with GROUP BY).",
  args: { items: arg.any().doc("Ignored (accepted for compatibility).") },
  run: (_args, ctx) => countStep(ctx.aggregate(zero)),
  aggregate: { init: zero, step: countStep },
});

function sumStep(slot: { value: number }, item: number): number {
  slot.value += item;
  return slot.value;
}

export const sumFunction = defineFunction({
  name: "sum",
  category: "aggregate",
  doc: "Running sum of an integer item (floats are truncated before adding).",
  args: { item: arg.int().required().doc("The value to add.") },
  run: ({ item }, ctx) => sumStep(ctx.aggregate(zero), item),
  aggregate: { init: zero, step: sumStep },
});

function extreme(name: "min" | "max") {
  const step = (slot: { value: { set: boolean; v: unknown } }, item: unknown): unknown => {
    const s = slot.value;
    if (!s.set) {
      s.set = true;
      s.v = item;
    } else if (name === "min" ? lessThan(item, s.v) : lessThan(s.v, item)) s.v = item;
    return s.v;
  };
  return defineFunction({
    name,
    category: "aggregate",
    doc: `Running ${name === "min" ? "minimum" : "maximum"} of an item using the \`<\` protocol (works for strings).`,
    args: { item: arg.any().required().doc("The value to compare.") },
    run: ({ item }, ctx) => step(ctx.aggregate(unset), item),
    aggregate: { init: unset, step },
  });
}

export const minFunction = extreme("min");
export const maxFunction = extreme("max");

function enumerateStep(slot: { value: unknown[] }, items: unknown): unknown[] {
  slot.value.push(items ?? null);
  return slot.value.slice();
}

export const enumerateFunction = defineFunction({
  name: "enumerate",
  category: "aggregate",
  doc: "Collect every value into a list (per group with GROUP BY).",
  args: { items: arg.any().doc("The value to collect.") },
  run: ({ items }, ctx) => enumerateStep(ctx.aggregate(emptyList), items),
  aggregate: { init: emptyList, step: enumerateStep },
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
