/**
 * rand(): a random integer in [0, range), as Velociraptor's rand() (vql/functions/sleep.go);
 * range 0 (the default) gives 0. Not for secrets: it uses Math.random().
 */
import { arg } from "../arg";
import { defineFunction } from "../define";

export const randFunction = defineFunction({
  name: "rand",
  category: "misc",
  doc: "A random integer from 0 up to (not including) `range`; 0 when `range` is 0 or not given.",
  args: {
    range: arg.int().default(0).min(0).doc("The upper bound (exclusive)."),
  },
  impure: true,
  run({ range }) {
    if (range <= 0) return 0;
    return Math.floor(Math.random() * range);
  },
});
