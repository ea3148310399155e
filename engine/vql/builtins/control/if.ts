/**
 * if(): the function returns the lazily evaluated branch (the other branch never runs); the
 * plugin streams the chosen branch's rows. A query condition is true when it yields a row.
 */
import { END } from "../../values/query";
import { arg } from "../arg";
import { defineFunction, definePlugin } from "../define";
import { PluginStream } from "../stream-base";
import type { BuiltinContext, LazyArg } from "../types";
import type { MaybePromise, RowStream } from "../../values/query";

function branch(b: LazyArg | undefined): unknown {
  return b ? b.value() : null;
}

export const ifFunction = defineFunction({
  name: "if",
  category: "basic",
  doc: "Return `then` when the condition is truthy, else `else` (NULL when missing); only the chosen branch is evaluated.",
  args: {
    condition: arg.any().required().doc("Condition; a query is true when it returns at least one row."),
    then: arg.lazy().doc("Value when the condition is truthy."),
    else: arg.lazy().doc("Value when the condition is falsy."),
  },
  run({ condition, then, else: otherwise }, ctx) {
    const t = ctx.isTruthy(condition);
    if (t instanceof Promise) return t.then((ok) => branch(ok ? then : otherwise));
    return branch(t ? then : otherwise);
  },
});

/** Streams the rows of a branch chosen once the condition is known. */
class BranchStream extends PluginStream {
  private inner: RowStream | null = null;
  private closed = false;
  constructor(
    private readonly choose: () => MaybePromise<LazyArg | undefined>,
    private readonly ctx: BuiltinContext,
  ) {
    super();
  }
  next(): MaybePromise<unknown> {
    if (this.closed) return END;
    if (this.inner) return this.inner.next();
    const open = (branch: LazyArg | undefined): MaybePromise<unknown> => {
      if (!branch) {
        this.closed = true;
        return END;
      }
      const v = branch.value();
      const start = (x: unknown) => {
        this.inner = this.ctx.toQuery(x).stream();
        return this.inner.next();
      };
      return v instanceof Promise ? v.then(start) : start(v);
    };
    const b = this.choose();
    return b instanceof Promise ? b.then(open) : open(b);
  }
  close(): MaybePromise<void> {
    this.closed = true;
    return this.inner?.close();
  }
}

export const ifPlugin = definePlugin({
  name: "if",
  category: "basic",
  doc: "Stream the rows of `then` when the condition is truthy, else the rows of `else`.",
  args: {
    condition: arg.any().required().doc("Condition; a query is true when it returns at least one row."),
    then: arg.lazy().required().doc("Rows (query, list or dict) when the condition is truthy."),
    else: arg.lazy().doc("Rows when the condition is falsy."),
  },
  run({ condition, then, else: otherwise }, ctx) {
    return new BranchStream(() => {
      const t = ctx.isTruthy(condition);
      return t instanceof Promise ? t.then((ok) => (ok ? then : otherwise)) : t ? then : otherwise;
    }, ctx);
  },
});
