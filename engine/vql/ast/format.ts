// Readable multi-line formatting of whole VQL cells (the "reformat VQL" feature): clauses on
// their own lines, long column lists one per line, long calls with one argument per line,
// comments kept. Output parses back to the same tree (modulo spans). Column naming is not
// done here (print.ts reproduces vfilter's one-line form for that).

import { parse } from "../parser/parse";
import type { Arg, Column, CommentToken, Expr, LetStatement, Param, ParseResult, PluginCall, SelectStatement, Statement } from "./types";

export interface FormatOptions {
  /** Preferred maximum line width (default 80). */
  width?: number;
}

interface Line {
  indent: number;
  text: string;
  /** Source offset of the first token on the line; comments before it are printed above. */
  anchor: number;
}

const names = (parts: { raw: string }[]) => parts.map((x) => x.raw).join(".");

/** One-line readable text of an expression (single spaces, spellings and literals as written). */
export function flatExpr(e: Expr): string {
  switch (e.kind) {
    case "number":
    case "string":
    case "bool":
      return e.raw;
    case "null":
      return "NULL";
    case "symbol":
      return names(e.parts);
    case "call":
      return e.path + flatArgs(e.args);
    case "negate":
      return "-" + flatExpr(e.operand);
    case "member":
      return flatExpr(e.object) + "." + e.property.raw;
    case "index":
      return `${flatExpr(e.object)}[${flatExpr(e.index)}]`;
    case "slice":
      return `${flatExpr(e.object)}[${e.start ? flatExpr(e.start) : ""}:${e.end ? flatExpr(e.end) : ""}]`;
    case "not":
      return e.raw + " " + flatExpr(e.operand);
    case "binary":
    case "compare":
      return `${flatExpr(e.left)} ${e.op} ${flatExpr(e.right)}`;
    case "and":
    case "or":
      return `${flatExpr(e.left)} ${e.operator} ${flatExpr(e.right)}`;
    case "paren":
      return `(${flatExpr(e.expr)})`;
    case "array": {
      const body = e.elements.map(flatExpr).join(", ") + (e.trailingComma ? "," : "");
      return e.syntax === "paren" ? `(${body})` : e.syntax === "bracket" ? `[${body}]` : body;
    }
    case "subquery":
      return `{ ${flatSelect(e.query)} }`;
    case "error":
      return "";
  }
}

function flatArgs(args: Arg[]): string {
  return "(" + args.map(flatArg).join(", ") + ")";
}

function flatArg(a: Arg): string {
  return a.name.raw === "**" ? "**" + flatExpr(a.value) : `${a.name.raw}=${flatExpr(a.value)}`;
}

function flatPlugin(pc: PluginCall): string {
  return pc.path + (pc.called ? flatArgs(pc.args) : "");
}

function flatColumn(c: Column): string {
  if (c.kind === "star") return "*";
  return flatExpr(c.expr) + (c.alias ? " AS " + c.alias.raw : "");
}

/** One-line readable text of a SELECT. */
export function flatSelect(s: SelectStatement): string {
  let out = (s.explain ? "EXPLAIN " : "") + "SELECT " + s.columns.map(flatColumn).join(", ");
  out += (s.columns.length ? " " : "") + "FROM " + flatPlugin(s.from);
  if (s.where) out += " WHERE " + flatExpr(s.where);
  if (s.groupBy) out += " GROUP BY " + flatExpr(s.groupBy);
  if (s.orderBy) out += " ORDER BY " + s.orderBy.column.raw + (s.orderBy.desc ? " DESC" : "");
  if (s.limit) out += " LIMIT " + s.limit.raw;
  return out;
}

class Formatter {
  constructor(readonly width: number) {}

  fits(indent: number, text: string): boolean {
    return indent + text.length <= this.width && !text.includes("\n");
  }

  /** Lines for `prefix + expr`; the caller may append a suffix to the last line. */
  expr(e: Expr, indent: number, prefix: string, anchor = e.span.start): Line[] {
    const flat = prefix + flatExpr(e);
    if (this.fits(indent, flat)) return [{ indent, text: flat, anchor }];
    switch (e.kind) {
      case "call":
        return this.call(prefix + e.path, e.args, indent, anchor);
      case "and":
      case "or":
        return [...this.expr(e.left, indent, prefix, anchor), ...this.expr(e.right, indent, e.operator + " ")];
      case "subquery":
        return [{ indent, text: prefix + "{", anchor }, ...this.select(e.query, indent + 2, ""), { indent, text: "}", anchor: e.span.end - 1 }];
      case "array":
        if (e.syntax !== "bare" && e.elements.length > 0) {
          const [open, close] = e.syntax === "paren" ? ["(", ")"] : ["[", "]"];
          const lines: Line[] = [{ indent, text: prefix + open, anchor }];
          e.elements.forEach((el, i) => {
            const inner = this.expr(el, indent + 2, "");
            if (i < e.elements.length - 1 || e.trailingComma) inner[inner.length - 1]!.text += ",";
            lines.push(...inner);
          });
          lines[lines.length - 1]!.text += close;
          return lines;
        }
        break;
      case "paren": {
        const lines = this.expr(e.expr, indent, prefix + "(", anchor);
        lines[lines.length - 1]!.text += ")";
        return lines;
      }
      case "not":
        return this.expr(e.operand, indent, prefix + e.raw + " ", anchor);
      case "compare":
      case "binary": {
        const left = this.expr(e.left, indent, prefix, anchor);
        const last = left[left.length - 1]!;
        const rightFlat = ` ${e.op} ${flatExpr(e.right)}`;
        if (this.fits(last.indent, last.text + rightFlat)) {
          last.text += rightFlat;
          return left;
        }
        return [...left, ...this.expr(e.right, indent + 2, e.op + " ")];
      }
      case "member":
      case "index":
      case "slice": {
        const lines = this.expr(e.object, indent, prefix, anchor);
        lines[lines.length - 1]!.text += flatExpr(e).slice(flatExpr(e.object).length);
        return lines;
      }
      default:
        break;
    }
    return [{ indent, text: flat, anchor }];
  }

  /** `head(` + one argument per line + `)`. */
  call(head: string, args: Arg[], indent: number, anchor: number): Line[] {
    if (args.length === 0) return [{ indent, text: head + "()", anchor }];
    const lines: Line[] = [{ indent, text: head + "(", anchor }];
    args.forEach((a, i) => {
      const inner = this.arg(a, indent + 2);
      if (i < args.length - 1) inner[inner.length - 1]!.text += ",";
      lines.push(...inner);
    });
    lines[lines.length - 1]!.text += ")";
    return lines;
  }

  arg(a: Arg, indent: number): Line[] {
    const prefix = a.name.raw === "**" ? "**" : a.name.raw + "=";
    return this.expr(a.value, indent, prefix, a.span.start);
  }

  plugin(pc: PluginCall, indent: number, prefix: string): Line[] {
    const flat = prefix + flatPlugin(pc);
    if (this.fits(indent, flat) || !pc.called) return [{ indent, text: flat, anchor: pc.span.start }];
    return this.call(prefix + pc.path, pc.args, indent, pc.span.start);
  }

  column(c: Column, indent: number, prefix: string): Line[] {
    if (c.kind === "star") return [{ indent, text: prefix + "*", anchor: c.span.start }];
    const lines = this.expr(c.expr, indent, prefix, c.span.start);
    if (c.alias) lines[lines.length - 1]!.text += " AS " + c.alias.raw;
    return lines;
  }

  select(s: SelectStatement, indent: number, prefix: string): Line[] {
    const head = prefix + (s.explain ? "EXPLAIN " : "") + "SELECT";
    const cols = s.columns.map(flatColumn).join(", ");
    const lines: Line[] = [];
    if (this.fits(indent, `${head} ${cols}`)) {
      lines.push({ indent, text: s.columns.length ? `${head} ${cols}` : head, anchor: s.span.start });
    } else if (s.columns.length === 1) {
      lines.push(...this.column(s.columns[0]!, indent, head + " "));
      lines[0]!.anchor = s.span.start;
    } else {
      lines.push({ indent, text: head, anchor: s.span.start });
      s.columns.forEach((c, i) => {
        const inner = this.column(c, indent + 2, "");
        if (i < s.columns.length - 1) inner[inner.length - 1]!.text += ",";
        lines.push(...inner);
      });
    }
    lines.push(...this.plugin(s.from, indent, "FROM "));
    if (s.where) lines.push(...this.expr(s.where, indent, "WHERE "));
    if (s.groupBy) lines.push(...this.expr(s.groupBy, indent, "GROUP BY "));
    if (s.orderBy) lines.push({ indent, text: `ORDER BY ${s.orderBy.column.raw}${s.orderBy.desc ? " DESC" : ""}`, anchor: s.orderBy.span.start });
    if (s.limit) lines.push({ indent, text: `LIMIT ${s.limit.raw}`, anchor: s.limit.span.start });
    return lines;
  }

  let(s: LetStatement): Line[] {
    const params = s.params ? "(" + s.params.map(flatParam).join(", ") + ")" : "";
    const head = `LET ${s.name.raw}${params} ${s.operator} `;
    const lines = s.body.kind === "select" ? this.select(s.body, 0, head) : this.expr(s.body, 0, head);
    lines[0]!.anchor = s.span.start;
    return lines;
  }
}

function flatParam(p: Param): string {
  return p.default ? `${p.name.raw}=${flatExpr(p.default)}` : p.name.raw;
}

/** Formats statements, keeping every comment: each comment is printed above the first line that follows it. */
export function printProgram(result: Pick<ParseResult, "statements" | "comments">, options: FormatOptions = {}): string {
  const f = new Formatter(options.width ?? 80);
  const out: string[] = [];
  const comments = [...result.comments].sort((a, b) => a.span.start - b.span.start);
  let ci = 0;
  const flushBefore = (offset: number, indent: number) => {
    while (ci < comments.length && comments[ci]!.span.start < offset) out.push(commentText(comments[ci++]!, indent));
  };
  result.statements.forEach((stmt, i) => {
    if (i > 0) out.push("");
    for (const line of statementLines(f, stmt)) {
      flushBefore(line.anchor, line.indent);
      out.push(" ".repeat(line.indent) + line.text);
    }
    flushBefore(stmt.span.end, 0);
  });
  flushBefore(Infinity, 0);
  return out.join("\n") + "\n";
}

function statementLines(f: Formatter, stmt: Statement): Line[] {
  return stmt.kind === "let" ? f.let(stmt) : f.select(stmt, 0, "");
}

function commentText(c: CommentToken, indent: number): string {
  return c.style === "block" ? c.text : " ".repeat(indent) + c.text.trimEnd();
}

/**
 * Reformats a VQL cell readably. Text with syntax errors is returned unchanged (formatting
 * must never lose what the user wrote).
 */
export function formatVql(text: string, options: FormatOptions = {}): string {
  const result = parse(text);
  if (result.diagnostics.some((d) => d.severity === "error")) return text;
  return printProgram(result, options);
}
