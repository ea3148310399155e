// parse(text): the parser's entry point. Program := Statement { Statement }. Never throws on
// user input: a broken statement yields diagnostics (and a partial statement for the outline),
// then parsing resumes at the next LET / SELECT / EXPLAIN that starts a statement.
// Also attaches the comments that precede each top-level statement.

import type { CommentToken, Diagnostic, LetStatement, ParseResult, SelectStatement, Statement } from "../ast/types";
import { makeDiagnostic } from "../diagnostics";
import { tokenize, type Token } from "../lexer/lexer";
import { describe, ParseAbort, Parser } from "./cursor";
import { parseLet, parseSelect, type Partial } from "./statements";

/** Parses a whole cell (zero or more statements). */
export function parse(text: string): ParseResult {
  const lexed = tokenize(text);
  const comments: CommentToken[] = [];
  const tokens: Token[] = [];
  for (const t of lexed.tokens) {
    if (t.kind === "comment") comments.push(commentToken(t));
    else tokens.push(t);
  }
  const p = new Parser(text, tokens);
  const statements: Statement[] = [];
  try {
    parseStatements(p, statements);
  } catch (e) {
    // A parser bug must not take the caller down; report it as a diagnostic instead.
    const message = e instanceof Error ? e.message : String(e);
    p.diagnostics.push(makeDiagnostic("VQL1099", { start: 0, end: text.length }, [message]));
  }
  attachComments(statements, comments);
  const diagnostics = [...lexed.diagnostics, ...p.diagnostics].sort(byPosition);
  return { statements, diagnostics, comments };
}

function parseStatements(p: Parser, statements: Statement[]): void {
  while (p.peek().kind !== "eof") {
    const t = p.peek();
    if (t.kind !== "LET" && t.kind !== "SELECT" && t.kind !== "EXPLAIN") {
      if (t.kind !== "invalid") p.diagnostics.push(makeDiagnostic("VQL1017", { start: t.start, end: t.end }, [describe(t)], startHint(t)));
      synchronize(p);
      continue;
    }
    const partial: Partial = {};
    const before = p.diagnostics.length;
    try {
      const stmt = t.kind === "LET" ? parseLet(p, partial) : parseSelect(p, partial);
      flushPending(p);
      statements.push(stmt);
    } catch (e) {
      if (!(e instanceof ParseAbort)) throw e;
      flushPending(p);
      p.resetDepth();
      const partialStmt = fromPartial(partial, p);
      if (partialStmt) statements.push(partialStmt);
      if (p.diagnostics.length === before && !e.diagnostic && p.peek().kind !== "invalid") {
        // Defensive: an abort always leaves a diagnostic behind.
        p.diagnostics.push(makeDiagnostic("VQL1010", { start: p.peek().start, end: p.peek().end }, ["a statement", describe(p.peek())]));
      }
      synchronize(p);
    }
  }
}

function startHint(t: Token): string | undefined {
  if (t.kind === "WHERE" || t.kind === "GROUP BY" || t.kind === "ORDER BY" || t.kind === "LIMIT") {
    return "clauses go in the order WHERE, GROUP BY, ORDER BY, LIMIT after `FROM`";
  }
  return undefined;
}

/** Context-checked diagnostics (bracket lists, stray subqueries) that were not cleared become real. */
function flushPending(p: Parser): void {
  for (const d of p.pending.values()) p.diagnostics.push(d);
  p.pending.clear();
}

/** Skips to the next token that can start a statement (not a SELECT inside `{` or after `=`). */
function synchronize(p: Parser): void {
  for (;;) {
    const t = p.peek();
    if (t.kind === "eof" || t.kind === "LET") return;
    if ((t.kind === "SELECT" || t.kind === "EXPLAIN") && !isNestedStart(p.prev())) return;
    p.next();
  }
}

function isNestedStart(prev: Token): boolean {
  return prev.kind === "EXPLAIN" || (prev.kind === "op" && (prev.text === "{" || prev.text === "=" || prev.text === "<="));
}

function fromPartial(partial: Partial, p: Parser): Statement | undefined {
  const end = Math.max(p.peek().start, p.prev().end);
  if (partial.let) {
    const stmt: LetStatement = {
      kind: "let",
      span: { start: partial.let.start, end },
      name: partial.let.name,
      operator: "=",
      body: { kind: "error", span: { start: end, end } },
      comments: [],
    };
    if (partial.let.params) stmt.params = partial.let.params;
    return stmt;
  }
  if (partial.select) {
    const stmt: SelectStatement = partial.select;
    stmt.span.end = Math.max(stmt.span.end, end);
    return stmt;
  }
  return undefined;
}

function commentToken(t: Token): CommentToken {
  const style = t.text.startsWith("/*") ? "block" : t.text.startsWith("--") ? "dash" : "slash";
  return { kind: "comment", style, text: t.text, span: { start: t.start, end: t.end } };
}

/** Each top-level statement gets the comments between the previous statement and itself. */
function attachComments(statements: Statement[], comments: CommentToken[]): void {
  let ci = 0;
  let prevEnd = 0;
  for (const s of statements) {
    while (ci < comments.length && comments[ci]!.span.start < prevEnd) ci++;
    const own: CommentToken[] = [];
    while (ci < comments.length && comments[ci]!.span.end <= s.span.start) own.push(comments[ci++]!);
    s.comments = own;
    prevEnd = s.span.end;
  }
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.span.start - b.span.start || a.span.end - b.span.end;
}
