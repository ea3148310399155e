/**
 * LET statements (REFERENCE §5.8): `=` stores a lazy expression or query, `<=` evaluates now
 * (a query is collected into a list of rows). Defining a name that a builtin uses logs a WARN;
 * `LET F(x) <= ...` logs a WARN and stores the value computed without arguments.
 */
import type { LetStatement } from "../ast/types";
import type { MaybePromise } from "../values/query";
import type { CompileContext } from "./compile-context";
import { compileExpr } from "./expr";
import { ExprBinding, QueryBinding, ValueBinding, type CompiledParam } from "./bindings";
import { materialize } from "./materialize";
import { collectStream } from "./stream";
import type { Scope } from "./scope";

export type CompiledLet = (s: Scope) => MaybePromise<Scope>;

export function compileLet(node: LetStatement, cc: CompileContext): CompiledLet {
  const name = node.name.name;
  const params: CompiledParam[] | undefined = node.params?.map((p) =>
    p.default ? { name: p.name.name, default: compileExpr(p.default, cc) } : { name: p.name.name },
  );
  const masks = cc.registry.functions.has(name) || cc.registry.plugins.has(name);
  const warnMask = (s: Scope) => {
    if (masks) s.run.report("VQL3008", [name], node.name.span);
  };
  if (node.operator === "=") {
    if (node.body.kind === "select") {
      const q = cc.compileQuery(node.body);
      return (s) => (warnMask(s), s.withLet(new QueryBinding(name, q, params)));
    }
    const ev = compileExpr(node.body, cc);
    return (s) => (warnMask(s), s.withLet(new ExprBinding(name, ev, params)));
  }
  const body = node.body;
  const compute: (s: Scope) => MaybePromise<unknown> =
    body.kind === "select"
      ? ((q) => (s: Scope) => {
          const rows = collectStream(q.open(s), s.run, Infinity, { what: `LET ${name}`, maxRows: s.run.limits.maxLetRows, maxBytes: s.run.limits.maxLetBytes });
          return rows instanceof Promise ? rows.then((r) => materialize(r, s)) : materialize(rows, s);
        })(cc.compileQuery(body))
      : ((ev) => (s: Scope) => {
          const v = ev(s);
          return v instanceof Promise ? v.then((x) => materialize(x, s)) : materialize(v, s);
        })(compileExpr(body, cc));
  return (s) => {
    warnMask(s);
    if (params) {
      s.run.report("VQL3009", [name], node.span);
    }
    const v = compute(s);
    return v instanceof Promise ? v.then((x) => s.withLet(new ValueBinding(name, x))) : s.withLet(new ValueBinding(name, v));
  };
}
