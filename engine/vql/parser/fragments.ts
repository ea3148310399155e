// Entry points for VQL fragments that are not whole cells: a single expression (editor
// hovers, tools) and a lambda `x => expr` / `a, b => expr` (the strings that filter(), eval()
// and friends take; vfilter's ParseLambda: Ident {"," Ident} "=>" AndExpr). Never throw.

import type { Diagnostic, Expr, Name } from "../ast/types";
import { makeDiagnostic } from "../diagnostics";
import { tokenize } from "../lexer/lexer";
import { describe, ParseAbort, Parser } from "./cursor";
import { identName, parseAndExpr } from "./expressions";

export interface ExpressionResult {
  /** Undefined when the text has a syntax error. */
  expr?: Expr;
  diagnostics: Diagnostic[];
}

export interface LambdaResult extends ExpressionResult {
  params: Name[];
}

function parserFor(text: string): { p: Parser; lexDiagnostics: Diagnostic[] } {
  const lexed = tokenize(text);
  return { p: new Parser(text, lexed.tokens.filter((t) => t.kind !== "comment")), lexDiagnostics: lexed.diagnostics };
}

/** Parses the rest of the tokens as one AndExpr that must end the text. */
function parseBody(p: Parser): Expr | undefined {
  try {
    const expr = parseAndExpr(p);
    for (const d of p.pending.values()) p.diagnostics.push(d);
    p.pending.clear();
    if (p.peek().kind !== "eof") p.failHere("VQL1010", ["the end of the expression", describe(p.peek())]);
    return expr;
  } catch (e) {
    if (!(e instanceof ParseAbort)) throw e;
    return undefined;
  }
}

function finish<T extends ExpressionResult>(result: T, lexDiagnostics: Diagnostic[]): T {
  result.diagnostics = [...lexDiagnostics, ...result.diagnostics].sort((a, b) => a.span.start - b.span.start);
  if (result.diagnostics.some((d) => d.severity === "error")) delete result.expr;
  return result;
}

/** Parses one expression (an AndExpr: anything a column may hold, without `AS`). */
export function parseExpression(text: string): ExpressionResult {
  const { p, lexDiagnostics } = parserFor(text);
  const expr = parseBody(p);
  const result: ExpressionResult = { diagnostics: p.diagnostics };
  if (expr) result.expr = expr;
  return finish(result, lexDiagnostics);
}

/** Parses a lambda `x => expr` or `a, b => expr`. */
export function parseLambda(text: string): LambdaResult {
  const { p, lexDiagnostics } = parserFor(text);
  const params: Name[] = [];
  const result: LambdaResult = { params, diagnostics: p.diagnostics };
  for (;;) {
    const t = p.peek();
    if (t.kind !== "ident") {
      p.diagnostics.push(makeDiagnostic("VQL1010", { start: t.start, end: t.end }, ["a lambda parameter name", describe(t)], "a lambda looks like `x => x > 1`"));
      return finish(result, lexDiagnostics);
    }
    p.next();
    params.push(identName(t, t.text));
    if (p.eatOp(",")) continue;
    if (p.eatOp("=>")) break;
    const n = p.peek();
    p.diagnostics.push(makeDiagnostic("VQL1010", { start: n.start, end: n.end }, ["`=>` or `,` after a lambda parameter", describe(n)]));
    return finish(result, lexDiagnostics);
  }
  const expr = parseBody(p);
  if (expr) result.expr = expr;
  return finish(result, lexDiagnostics);
}
