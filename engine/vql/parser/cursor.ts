// Parser state: the token cursor (comments removed), diagnostics, and the abort mechanism used
// to stop a broken statement. Owns no grammar. `ParseAbort` never escapes parse().

import type { Diagnostic, Expr, Span } from "../ast/types";
import { makeDiagnostic, type DiagnosticCode } from "../diagnostics";
import type { Token } from "../lexer/lexer";

/** Thrown inside the parser to abandon the current statement; caught at statement level. */
export class ParseAbort {
  constructor(readonly diagnostic: Diagnostic | undefined) {}
}

/** Maximum parser recursion (nested parentheses, subqueries, calls, NOT). */
export const MAX_DEPTH = 200;
/** Maximum depth of the resulting tree, counting each operator of a chain (`a OR b OR ...`) as a level. */
export const MAX_TREE_DEPTH = 2000;

export class Parser {
  readonly tokens: Token[];
  pos = 0;
  depth = 0;
  treeDepth = 0;
  readonly diagnostics: Diagnostic[] = [];
  /** Warnings/errors that depend on context (bracket lists, subqueries), keyed by node. */
  readonly pending = new Map<Expr, Diagnostic>();

  constructor(
    readonly text: string,
    tokens: Token[],
  ) {
    const end = text.length;
    this.tokens = [...tokens, { kind: "eof", text: "", start: end, end }];
  }

  peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  /** The token before the current one (or a zero-width one at 0). */
  prev(): Token {
    return this.pos > 0 ? this.tokens[this.pos - 1]! : { kind: "eof", text: "", start: 0, end: 0 };
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.pos++;
    return t;
  }

  isOp(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "op" && t.text === text;
  }

  eatOp(text: string): Token | undefined {
    return this.isOp(text) ? this.next() : undefined;
  }

  /** Records an error and abandons the statement. Errors at invalid tokens were already reported by the lexer. */
  fail(code: DiagnosticCode, span: Span, args: string[] = [], hint?: string): never {
    const at = this.peek();
    if (at.kind === "invalid" && at.start <= span.start && span.start < Math.max(at.end, at.start + 1)) {
      throw new ParseAbort(undefined);
    }
    const d = makeDiagnostic(code, span, args, hint);
    this.diagnostics.push(d);
    throw new ParseAbort(d);
  }

  /** Fails at the current token. */
  failHere(code: DiagnosticCode, args: string[] = [], hint?: string): never {
    const t = this.peek();
    return this.fail(code, { start: t.start, end: t.end }, args, hint);
  }

  report(code: DiagnosticCode, span: Span, args: string[] = [], hint?: string): Diagnostic {
    const d = makeDiagnostic(code, span, args, hint);
    this.diagnostics.push(d);
    return d;
  }

  enter(): void {
    this.treeDepth++;
    if (++this.depth > MAX_DEPTH) {
      const t = this.peek();
      this.fail("VQL1022", { start: t.start, end: t.end }, [String(MAX_DEPTH)]);
    }
  }

  leave(): void {
    this.depth--;
    this.treeDepth--;
  }

  /** One more operator in a left-associative chain: the tree gets one level deeper. */
  chainStep(): void {
    if (++this.treeDepth > MAX_TREE_DEPTH) {
      const t = this.peek();
      this.fail("VQL1022", { start: t.start, end: t.end }, [String(MAX_TREE_DEPTH)]);
    }
  }

  /** Resets the depth counters after an abandoned statement. */
  resetDepth(): void {
    this.depth = 0;
    this.treeDepth = 0;
  }

  /** Replaces a glued `-1` / `-X` token by a `-` operator and the rest (Talon's subtraction extension). */
  splitMinus(): void {
    const t = this.tokens[this.pos]!;
    const minus: Token = { kind: "op", text: "-", start: t.start, end: t.start + 1 };
    const rest: Token = {
      kind: t.kind === "number" ? "number" : "ident",
      text: t.text.slice(1),
      start: t.start + 1,
      end: t.end,
    };
    this.tokens.splice(this.pos, 1, minus, rest);
  }
}

/** How a token is named in messages: `x` in backticks, or "end of text". */
export function describe(t: Token): string {
  if (t.kind === "eof") return "end of text";
  let s = t.text.replace(/\s+/g, " ");
  if (s.length > 24) s = s.slice(0, 21) + "...";
  return s.includes("`") ? `\`\` ${s} \`\`` : "`" + s + "`";
}

export function spanOf(t: Token): Span {
  return { start: t.start, end: t.end };
}
