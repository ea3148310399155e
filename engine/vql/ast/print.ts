// Canonical single-line printing of expressions and SELECTs, reproducing vfilter's
// FormatToString (visitor.go with line breaking off) fragment by fragment, because unaliased
// column names are this text (REFERENCE.md §4). Multi-line formatting lives in format.ts.

import type { Arg, Column, Expr, PluginCall, SelectStatement } from "./types";
import { formatNumberLiteral, unquoteIdent } from "../lexer/literals";

/**
 * vfilter's visitor in flat mode: a list of fragments. `lineBreak()` adds one space unless the
 * last fragment is one of a few openers or already ends with a space; symbol references not at
 * the start call it (this is where `TRUE  AND FALSE` and `X[1: N]` come from).
 */
class FlatPrinter {
  private readonly fragments: string[] = [];
  private pos = 0;

  push(...parts: string[]): void {
    for (const f of parts) {
      this.fragments.push(f);
      this.pos += f.length;
    }
  }

  lineBreak(): void {
    const last = this.fragments.length > 0 ? this.fragments[this.fragments.length - 1]! : "";
    if (last === " " || last === "(" || last === "{" || last === "=" || last === "[" || last === "=[") return;
    if (!last.endsWith(" ")) this.push(" ");
  }

  /** visitSymbolRef: IndentWidthThreshold is 0 in ToString mode, so any symbol after the first fragment breaks. */
  symbolStart(): void {
    if (this.pos > 0) this.lineBreak();
  }

  text(): string {
    return this.fragments.join("").trim();
  }

  expr(e: Expr): void {
    switch (e.kind) {
      case "number":
        return this.push(formatNumberLiteral(e.value, e.isInt, e.int64));
      case "string":
        return this.push(e.raw);
      case "bool":
        return this.push(e.raw);
      case "null":
        return this.push("NULL");
      case "symbol":
        this.symbolStart();
        return this.push(e.parts.map((x) => x.raw).join("."));
      case "call":
        this.symbolStart();
        this.push(e.path);
        return this.args(e.args);
      case "negate":
        if (e.operand.kind === "symbol" || e.operand.kind === "call") {
          this.symbolStart();
          const op = e.operand;
          this.push("-" + (op.kind === "symbol" ? op.parts.map((x) => x.raw).join(".") : op.path));
          if (op.kind === "call") this.args(op.args);
          return;
        }
        this.push("-");
        return this.expr(e.operand);
      case "member":
        this.expr(e.object);
        return this.push(".", e.property.raw);
      case "index":
        this.expr(e.object);
        this.push("[");
        this.expr(e.index);
        return this.push("]");
      case "slice":
        this.expr(e.object);
        this.push("[");
        if (e.start) this.expr(e.start);
        this.push(":");
        if (e.end) this.expr(e.end);
        return this.push("]");
      case "not":
        this.push("NOT ");
        return this.expr(e.operand);
      case "binary":
      case "compare":
        this.expr(e.left);
        this.push(" ", e.op, " ");
        return this.expr(e.right);
      case "and":
        this.expr(e.left);
        this.lineBreak();
        this.push(" ", e.operator, " ");
        return this.expr(e.right);
      case "or":
        this.expr(e.left);
        this.push(" ", e.operator, " ");
        return this.expr(e.right);
      case "paren":
        this.push("(");
        this.expr(e.expr);
        return this.push(")");
      case "array":
        if (e.syntax === "paren") this.push("(");
        if (e.syntax === "bracket") this.push("[");
        this.list(e.elements, e.trailingComma);
        if (e.syntax === "paren") this.push(")");
        if (e.syntax === "bracket") this.push("]");
        return;
      case "subquery":
        this.push("{", " ");
        this.select(e.query);
        return this.push(" }");
      case "error":
        return this.push("");
    }
  }

  private list(elements: Expr[], trailingComma: boolean): void {
    elements.forEach((el, i) => {
      if (i > 0) this.push(",", " ");
      this.expr(el);
    });
    if (trailingComma) this.push(",", " ");
  }

  args(args: Arg[]): void {
    if (args.length === 0) return this.push("()");
    this.push("(");
    args.forEach((a, i) => {
      this.arg(a);
      if (i < args.length - 1) this.push(",", " ");
    });
    this.push(")");
  }

  private arg(a: Arg): void {
    if (this.pos > 0) this.lineBreak();
    const v = a.value;
    if (a.name.raw === "**") {
      this.push("**");
      return this.expr(v);
    }
    if (v.kind === "subquery") {
      this.push(a.name.raw, "={", " ");
      this.select(v.query);
      return this.push(" }");
    }
    if (v.kind === "array" && v.syntax === "bracket") {
      if (v.elements.length === 0 && !v.trailingComma) return this.push(a.name.raw, "=[]");
      this.push(a.name.raw, "=[");
      this.list(v.elements, v.trailingComma);
      return this.push("]");
    }
    this.push(a.name.raw, "=");
    this.expr(v);
  }

  plugin(pc: PluginCall): void {
    this.push(pc.path);
    if (pc.called) this.args(pc.args);
  }

  column(c: Column): void {
    if (c.kind === "star") return this.push("*");
    this.expr(c.expr);
    if (c.alias) this.push(" AS ", c.alias.raw);
  }

  select(s: SelectStatement): void {
    if (s.explain) this.push("EXPLAIN ");
    this.push("SELECT ");
    s.columns.forEach((c, i) => {
      this.column(c);
      if (i < s.columns.length - 1) {
        this.push(",", " ");
        this.lineBreak();
      }
    });
    this.lineBreak();
    this.push("FROM ");
    this.plugin(s.from);
    if (s.where) {
      this.lineBreak();
      this.push("WHERE ");
      this.expr(s.where);
    }
    if (s.groupBy) {
      this.lineBreak();
      this.push("GROUP BY ");
      this.expr(s.groupBy);
    }
    if (s.orderBy) {
      this.lineBreak();
      this.push("ORDER BY ", s.orderBy.column.raw);
      if (s.orderBy.desc) this.push(" DESC ");
    }
    if (s.limit) {
      this.lineBreak();
      this.push(`LIMIT ${Math.trunc(s.limit.value)} `);
    }
  }
}

/** The canonical one-line text of an expression, exactly as vfilter prints it. */
export function printExpr(expr: Expr): string {
  const p = new FlatPrinter();
  p.expr(expr);
  return p.text();
}

/** The canonical one-line text of a SELECT (vfilter's `$Query`-style rendering). */
export function printSelectFlat(select: SelectStatement): string {
  const p = new FlatPrinter();
  p.select(select);
  return p.text();
}

/**
 * The output column name of a SELECT column: the alias (backticks removed), or the canonical
 * text of the expression passed through vfilter's Unquote_ident. `*` columns have no name ("*").
 */
export function columnName(column: Column): string {
  if (column.kind === "star") return "*";
  if (column.alias) return column.alias.name;
  return unquoteIdent(printExpr(column.expr));
}
