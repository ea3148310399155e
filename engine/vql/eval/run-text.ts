/**
 * Running VQL text from inside a query (the `query()` plugin): parse, compile, and run every
 * statement in a child scope with `env` variables; rows of every SELECT are streamed. Parse
 * errors are logged and give no rows.
 */
import type { Span } from "../ast/types";
import { parse } from "../parser/index";
import type { OrderedDict } from "../values/ordered-dict";
import { END } from "../values/query";
import { createCompileContext } from "./compiler";
import { compileLet } from "./let";
import type { Scope } from "./scope";

export async function* runTextInScope(
  source: string,
  env: OrderedDict | Record<string, unknown> | undefined,
  scope: Scope,
  span: Span,
): AsyncGenerator<unknown> {
  const parsed = parse(source);
  const errors = parsed.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) {
    for (const d of errors) scope.run.log("ERROR", `query: ${d.message}`, span, d.code);
    return;
  }
  const cc = createCompileContext(scope.run.registry);
  let s = scope.withFreshAggregates();
  if (env) s = s.withVars(env);
  for (const st of parsed.statements) {
    if (st.kind === "let") {
      s = await compileLet(st, cc)(s);
      continue;
    }
    const stream = cc.compileQuery(st).open(s);
    try {
      for (;;) {
        const r = await stream.next();
        if (r === END) break;
        yield r;
      }
    } finally {
      await stream.close();
    }
  }
}
