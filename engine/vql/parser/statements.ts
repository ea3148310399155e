// Statement productions: LET (lazy/materialized, parameters with defaults), [EXPLAIN] SELECT
// with its clauses in fixed order, `{ SELECT ... }` subqueries. One function per production.

import type { Column, Expr, LetStatement, Limit, Name, OrderBy, Param, SelectStatement, SubqueryExpr } from "../ast/types";
import { decodeNumber } from "../lexer/literals";
import type { Token } from "../lexer/lexer";
import { parseArgValue, parsePluginCall } from "./calls";
import { describe, spanOf, type Parser } from "./cursor";
import { allowHere, identName, parseAndExpr, parseCommaExpr, startsExpr } from "./expressions";

/** What a statement parser has built so far, so a broken statement can still be outlined. */
export interface Partial {
  let?: { start: number; name: Name; params?: Param[] };
  select?: SelectStatement;
}

/** LetStmt := LET Name [ "(" Params ")" ] ( "=" | "<=" ) ( SelectStmt | AndExpr ). */
export function parseLet(p: Parser, partial: Partial): LetStatement {
  const letTok = p.next();
  const nameTok = p.peek();
  if (nameTok.kind !== "ident") {
    if (/^[A-Z]/.test(nameTok.kind) && nameTok.kind !== "eof") {
      p.failHere("VQL1014", [nameTok.text], `write \`${nameTok.text}\` in backticks`);
    }
    p.failHere("VQL1010", ["a name after `LET`", describe(nameTok)]);
  }
  p.next();
  const name = identName(nameTok, nameTok.text);
  partial.let = { start: letTok.start, name };
  let params: Param[] | undefined;
  if (p.eatOp("(")) {
    params = parseParams(p);
    partial.let.params = params;
  }
  const opTok = p.peek();
  if (!(p.isOp("=") || p.isOp("<="))) p.failHere("VQL1024", [name.raw, describe(opTok)]);
  p.next();
  const operator = opTok.text as "=" | "<=";
  let body: SelectStatement | Expr;
  const t = p.peek();
  if (t.kind === "SELECT" || t.kind === "EXPLAIN") {
    body = parseSelect(p);
  } else if (p.isOp("{")) {
    const sub = parseSubquery(p);
    p.report("VQL1018", sub.span, [], `write \`LET ${name.raw} ${operator} SELECT ...\` without braces`);
    body = sub.query;
  } else {
    if (!startsExpr(t)) p.failHere("VQL1013", [`or \`SELECT\` after \`LET ${name.raw} ${operator}\``, describe(t)]);
    body = parseAndExpr(p);
  }
  const stmt: LetStatement = {
    kind: "let",
    span: { start: letTok.start, end: body.span.end },
    name,
    operator,
    body,
    comments: [],
  };
  if (params) stmt.params = params;
  return stmt;
}

/** Params := [ Param { "," Param } ] ")"; Param := Name [ "=" ArgValue ]. */
function parseParams(p: Parser): Param[] {
  const params: Param[] = [];
  if (p.eatOp(")")) return params;
  for (;;) {
    const t = p.peek();
    if (t.kind !== "ident") {
      const hint = /^[A-Z]/.test(t.kind) && t.kind !== "eof" ? `write \`${t.text}\` in backticks` : undefined;
      p.failHere("VQL1010", ["a parameter name", describe(t)], hint);
    }
    p.next();
    const param: Param = { kind: "param", span: spanOf(t), name: identName(t, t.text) };
    if (p.eatOp("=")) {
      const value = parseArgValue(p);
      param.default = value;
      param.span = { start: t.start, end: value.span.end };
    }
    params.push(param);
    if (p.eatOp(",")) continue;
    if (p.eatOp(")")) return params;
    p.failHere("VQL1010", ["`,` or `)` after a parameter", describe(p.peek())]);
  }
}

const CLAUSES = ["WHERE", "GROUP BY", "ORDER BY", "LIMIT"] as const;

/** SelectStmt := {EXPLAIN} SELECT Columns FROM PluginCall [WHERE] [GROUP BY] [ORDER BY] [LIMIT]. */
export function parseSelect(p: Parser, partial?: Partial): SelectStatement {
  p.enter();
  const first = p.peek();
  let explain = false;
  while (p.peek().kind === "EXPLAIN") {
    p.next();
    explain = true;
  }
  if (p.peek().kind !== "SELECT") p.failHere("VQL1010", ["`SELECT` after `EXPLAIN`", describe(p.peek())]);
  const selectTok = p.next();
  const stmt: SelectStatement = {
    kind: "select",
    span: { start: first.start, end: selectTok.end },
    explain,
    columns: [],
    from: { kind: "plugin", span: { start: selectTok.end, end: selectTok.end }, name: [], path: "", called: false, args: [] },
    comments: [],
  };
  if (partial) partial.select = stmt;
  parseColumns(p, stmt.columns);
  if (stmt.columns.length === 0) p.report("VQL1511", spanOf(selectTok));
  if (p.peek().kind !== "FROM") p.failHere("VQL1012", [describe(p.peek())]);
  p.next();
  stmt.from = parsePluginCall(p);
  let last: (typeof CLAUSES)[number] | "FROM" = "FROM";
  for (const clause of CLAUSES) {
    if (p.peek().kind !== clause) continue;
    const kw = p.next();
    last = clause;
    if (clause === "WHERE") stmt.where = parseClauseExpr(p, kw);
    else if (clause === "GROUP BY") stmt.groupBy = parseClauseExpr(p, kw);
    else if (clause === "ORDER BY") stmt.orderBy = parseOrderBy(p, kw);
    else stmt.limit = parseLimit(p, kw);
  }
  const after = p.peek();
  if ((CLAUSES as readonly string[]).includes(after.kind) || after.kind === "FROM") {
    if (after.kind === last || after.kind === "FROM") p.failHere("VQL1010", ["the end of the `SELECT`", `a second ${describe(after)}`]);
    p.failHere("VQL1015", [after.kind, last]);
  }
  stmt.span.end = p.prev().end;
  p.leave();
  return stmt;
}

function parseClauseExpr(p: Parser, kw: Token): Expr {
  if (!startsExpr(p.peek())) p.failHere("VQL1013", [`after \`${kw.kind}\``, describe(p.peek())]);
  return parseCommaExpr(p);
}

/** Columns := [ "*" [","] ] [ Column { "," Column } ]. */
function parseColumns(p: Parser, columns: Column[]): void {
  if (p.isOp("*")) {
    columns.push(parseColumn(p));
    p.eatOp(",");
  }
  if (p.peek().kind === "FROM") return;
  columns.push(parseColumn(p));
  while (p.eatOp(",")) columns.push(parseColumn(p));
}

/** Column := ( "*" | "{" Select "}" | AndExpr ) [ AS Name ]. */
function parseColumn(p: Parser): Column {
  const t = p.peek();
  if (p.isOp("*")) {
    p.next();
    if (p.peek().kind === "AS") p.failHere("VQL1025");
    return { kind: "star", span: spanOf(t) };
  }
  if (!startsExpr(t)) {
    const hint = t.kind === "FROM" ? "remove the `,` before `FROM`" : undefined;
    p.failHere("VQL1013", [p.prev().kind === "SELECT" ? "after `SELECT`" : "for the column", describe(t)], hint);
  }
  const expr = p.isOp("{") ? parseSubquery(p) : parseAndExpr(p);
  if (expr.kind === "subquery") allowHere(p, expr);
  const column: Column = { kind: "column", span: { ...expr.span }, expr };
  if (p.peek().kind === "AS") {
    p.next();
    const a = p.peek();
    if (a.kind !== "ident") {
      if (/^[A-Z]/.test(a.kind) && a.kind !== "eof") p.failHere("VQL1014", [a.text], `write \`${a.text}\` in backticks`);
      p.failHere("VQL1010", ["a column name after `AS`", describe(a)]);
    }
    p.next();
    column.alias = identName(a, a.text);
    column.span.end = a.end;
  }
  return column;
}

function parseOrderBy(p: Parser, kw: Token): OrderBy {
  const t = p.peek();
  if (t.kind !== "ident") {
    const hint = /^[A-Z]/.test(t.kind) && t.kind !== "eof" ? `write \`${t.text}\` in backticks` : undefined;
    p.failHere("VQL1020", [describe(t)], hint);
  }
  p.next();
  const node: OrderBy = { kind: "order-by", span: { start: kw.start, end: t.end }, column: identName(t, t.text), desc: false };
  if (p.peek().kind === "DESC") {
    node.desc = true;
    node.span.end = p.next().end;
  }
  const next = p.peek();
  if (next.kind === "op" && (next.text === "(" || next.text === "." || next.text === ",")) {
    p.fail("VQL1020", { start: t.start, end: next.end }, [describe(t) + (next.text === "," ? "" : " " + describe(next))], "ORDER BY takes one column name; compute the value as an aliased column and order by the alias");
  }
  return node;
}

function parseLimit(p: Parser, kw: Token): Limit {
  const t = p.peek();
  const d = t.kind === "number" ? decodeNumber(t.text) : undefined;
  if (!d || !d.isInt) p.failHere("VQL1021", [describe(t)]);
  p.next();
  return { kind: "limit", span: { start: kw.start, end: t.end }, value: d.value, raw: t.text };
}

/** `{ SELECT ... }`. */
export function parseSubquery(p: Parser): SubqueryExpr {
  const open = p.next();
  const t = p.peek();
  if (t.kind !== "SELECT" && t.kind !== "EXPLAIN") p.failHere("VQL1010", ["`SELECT` after `{`", describe(t)]);
  const query = parseSelect(p);
  if (!p.isOp("}")) p.failHere("VQL1029", [describe(p.peek())]);
  const close = p.next();
  return { kind: "subquery", span: { start: open.start, end: close.end }, query };
}
