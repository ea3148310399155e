/** query(): run VQL text (or a stored query) in a child scope; column_filter(): keep/drop columns. */
import { compileRegex, isRegexError, type CompiledRegex } from "../../regex/compile";
import { dictGet, dictKeys, isDictLike, OrderedDict } from "../../values/ordered-dict";
import { QueryValue } from "../../values/query";
import { arg } from "../arg";
import { definePlugin } from "../define";
import type { BuiltinContext } from "../types";

/**
 * Rows of `source` until `timeoutMs` has passed, `progressMs` passed without a row, or `exit`
 * says stop. A stopped source is closed without waiting for a row it is still computing.
 */
async function* bounded(
  source: AsyncIterable<unknown>,
  o: { timeoutMs: number; progressMs: number; exit?: string },
  ctx: BuiltinContext,
): AsyncGenerator<unknown> {
  const it = source[Symbol.asyncIterator]();
  const deadline = o.timeoutMs > 0 ? Date.now() + o.timeoutMs : Infinity;
  let finished = false;
  try {
    for (;;) {
      const wait = Math.min(deadline - Date.now(), o.progressMs > 0 ? o.progressMs : Infinity);
      if (wait <= 0) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const next = it.next();
      const r = Number.isFinite(wait)
        ? await Promise.race([next, new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), wait)))])
        : await next;
      if (timer) clearTimeout(timer);
      if (r === "timeout") {
        if (o.progressMs > 0 && Date.now() < deadline) ctx.log("ERROR", `query: no progress for ${o.progressMs / 1000} seconds, cancelling the query`);
        void next.catch(() => undefined);
        return;
      }
      if (r.done) {
        finished = true;
        return;
      }
      // Velociraptor's `exit` lambda: the row for which it is true ends the query (not emitted).
      if (o.exit && (await ctx.isTruthy(await ctx.evalLambda(o.exit, [r.value])))) return;
      yield r.value;
    }
  } finally {
    if (!finished) void Promise.resolve(it.return?.()).catch(() => undefined);
  }
}

export const queryPlugin = definePlugin({
  name: "query",
  category: "basic",
  doc: "Run a query given as VQL text (or a stored query) in a child scope with `env` variables and stream its rows; `timeout` stops it after that many seconds, `exit` (a lambda given each row) stops it at the first row it is true for.",
  args: {
    query: arg.any().required().doc("VQL text or a stored query."),
    env: arg.dict().doc("Variables visible to the query."),
    copy_env: arg.list(arg.string()).doc("Variables of the calling scope copied into the query's scope."),
    cpu_limit: arg.float().doc("Velociraptor's CPU throttle (percent of a core); accepted, Talon does not throttle queries."),
    iops_limit: arg.float().doc("Velociraptor's IOPS throttle; accepted, Talon does not throttle queries."),
    timeout: arg.float().min(0).doc("Cancel the query after this many seconds."),
    progress_timeout: arg.float().min(0).doc("Cancel the query (with an ERROR log) when it yields no row for this many seconds."),
    inherit: arg.bool().doc("Run in the calling scope itself (`env` and `copy_env` are then ignored, as in Velociraptor)."),
    exit: arg.string().doc("A lambda called with each row: when TRUE the query stops (that row is not emitted)."),
  },
  async *run({ query, env, copy_env, timeout, progress_timeout, inherit, exit }, ctx) {
    // Velociraptor vql/tools/query.go: with inherit the caller's scope is copied and env is not
    // applied; otherwise env plus the copy_env variables make the new scope's variables.
    let vars: OrderedDict | undefined;
    if (!inherit) {
      vars = new OrderedDict();
      if (env) for (const k of dictKeys(env)) vars.set(k, dictGet(env, k));
      for (const name of copy_env ?? []) {
        const v = await ctx.lookup(name);
        if (v !== undefined) vars.set(name, v);
      }
    }
    let rows: AsyncIterable<unknown>;
    if (query instanceof QueryValue) rows = ctx.toQuery(query).rows(vars);
    else if (typeof query === "string") rows = ctx.runQuery(query, vars);
    else {
      ctx.log("ERROR", "query: query should be a string or subquery");
      return;
    }
    if (!timeout && !progress_timeout && !exit) {
      yield* rows;
      return;
    }
    yield* bounded(rows, { timeoutMs: (timeout ?? 0) * 1000, progressMs: (progress_timeout ?? 0) * 1000, exit }, ctx);
  },
});

function compileAll(patterns: string[] | undefined, ctx: BuiltinContext): CompiledRegex[] | null {
  const out: CompiledRegex[] = [];
  for (const p of patterns ?? []) {
    const re = compileRegex(p, { caseInsensitive: true });
    if (isRegexError(re)) {
      ctx.log("ERROR", `column_filter: Compile regexp: ${re.error}`);
      return null;
    }
    out.push(re);
  }
  return out;
}

export const columnFilterPlugin = definePlugin({
  name: "column_filter",
  category: "basic",
  doc: "Rows of `query` keeping only columns matching an `include` regex and dropping those matching an `exclude` regex.",
  args: {
    query: arg.query().required().doc("The rows."),
    include: arg.list(arg.string()).doc("Keep columns matching any of these regexes (default: all)."),
    exclude: arg.list(arg.string()).doc("Drop columns matching any of these regexes."),
  },
  async *run({ query, include, exclude }, ctx) {
    const inc = compileAll(include, ctx);
    const exc = compileAll(exclude, ctx);
    if (!inc || !exc) return;
    for await (const row of query.rows()) {
      if (!isDictLike(row)) continue;
      const out = new OrderedDict();
      for (const k of dictKeys(row)) {
        if (inc.length && !inc.some((r) => r.test(k))) continue;
        if (exc.some((r) => r.test(k))) continue;
        out.set(k, dictGet(row, k));
      }
      yield out;
    }
  },
});
