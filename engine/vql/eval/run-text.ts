/**
 * Running VQL text from inside a query (the `query()` plugin): parse, compile, and run every
 * statement in a child scope with `env` variables; rows of every SELECT are streamed. Parse
 * errors are logged and give no rows. And import(): text whose LETs join the run's root scope.
 */
import type { Span } from "../ast/types";
import { parse } from "../parser/index";
import type { OrderedDict } from "../values/ordered-dict";
import { END } from "../values/query";
import { createCompileContext } from "./compiler";
import { compileLet } from "./let";
import { FrameKind, type Binding, type Scope } from "./scope";

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

/**
 * import(): runs `source` in `scope` (SELECT rows are dropped) and puts each LET's binding in
 * RunState.imports, where every scope of the run finds it after its own frames. Rejects on a
 * parse error. Returns the names defined.
 */
export async function importIntoRun(source: string, scope: Scope): Promise<string[]> {
  const parsed = parse(source);
  const error = parsed.diagnostics.find((d) => d.severity === "error");
  if (error) throw new Error(error.message);
  const cc = createCompileContext(scope.run.registry);
  let s = scope.withFreshAggregates();
  const names: string[] = [];
  for (const st of parsed.statements) {
    if (st.kind === "let") {
      s = await compileLet(st, cc)(s);
      if (s.kind === FrameKind.Let) {
        const b = s.data as Binding;
        (scope.run.imports ??= new Map()).set(b.name, b);
        names.push(b.name);
      }
      continue;
    }
    const stream = cc.compileQuery(st).open(s);
    try {
      while ((await stream.next()) !== END) scope.run.signal.throwIfAborted();
    } finally {
      await stream.close();
    }
  }
  return names;
}
