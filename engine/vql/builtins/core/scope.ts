/** scope(): the current scope as one row with no columns (plugin) or as a value (function). */
import { OrderedDict } from "../../values/ordered-dict";
import { VQL_MEMBER } from "../../values/access";
import { defineFunction, definePlugin } from "../define";
import { PluginStream } from "../stream-base";
import { END } from "../../values/query";
import type { BuiltinContext } from "../types";

/** A value whose members resolve variables of the calling scope (`scope().Foo`). */
export class ScopeHandle {
  constructor(private readonly ctx: BuiltinContext) {}
  [VQL_MEMBER](name: string): unknown {
    return this.ctx.lookup(name);
  }
  toJSON(): Record<string, never> {
    return {};
  }
}

/**
 * The row scope() yields. Shared: plugin rows only reach queries through SELECT, which copies
 * members into its own output rows, so nothing can change it.
 */
const EMPTY_ROW = new OrderedDict();

class OneEmptyRow extends PluginStream {
  private done = false;
  next(): unknown {
    if (this.done) return END;
    this.done = true;
    return EMPTY_ROW;
  }
  close(): void {
    this.done = true;
  }
}

export const scopePlugin = definePlugin({
  name: "scope",
  category: "basic",
  doc: "One row with no columns: select from it to evaluate expressions once (`SELECT 1 FROM scope()`).",
  args: {},
  run() {
    return new OneEmptyRow();
  },
});

export const scopeFunction = defineFunction({
  name: "scope",
  category: "basic",
  impure: true,
  doc: "The current scope as a value; `scope().Name` resolves the variable Name.",
  args: {},
  run(_args, ctx) {
    return new ScopeHandle(ctx);
  },
});
