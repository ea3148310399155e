/**
 * lru(): a dict that keeps at most `size` keys, dropping the one set longest ago when a new key
 * comes in, as Velociraptor's lru() (vql/common/lru.go). get() and set() work on it as on any
 * dict; it lasts while a variable holds it.
 */
import { OrderedDict } from "../../values/ordered-dict";
import { arg } from "../arg";
import { defineFunction } from "../define";

export class LruDict extends OrderedDict {
  constructor(readonly limit: number) {
    super();
  }

  override set(key: string, value: unknown): this {
    super.set(key, value);
    while (this.size > this.limit) super.delete(this.keys()[0]!);
    return this;
  }
}

export const lruFunction = defineFunction({
  name: "lru",
  category: "misc",
  doc: "A dict that keeps the `size` most recently set keys (use set() and get() on it), for running lookups of bounded size.",
  args: {
    size: arg.int().default(1000).doc("Size of the LRU (0 or less means 1000)."),
  },
  impure: true,
  run: ({ size }) => new LruDict(size > 0 ? size : 1000),
});
