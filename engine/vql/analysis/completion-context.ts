// completionContext(text, offset): what kind of thing the cursor is about to type, for the
// editor's completion (Monaco language service). Token-based, so it works on half-written,
// unparsable text. Says where, never what: the caller offers keywords, builtins, LET names,
// artifact names or argument names from its own lists.

import { decodeString } from "../lexer/literals";
import { tokenize, type Token } from "../lexer/lexer";
import type { Span } from "../ast/types";

export type CompletionContext =
  /** Inside a comment, a number, or a string that is not an argument value: offer nothing. */
  | { kind: "none" }
  /** Where a statement may start (start of text, after a complete statement): LET, SELECT, EXPLAIN. */
  | { kind: "statement"; prefix: string; replace: Span }
  /** After `FROM`: plugins, LET names, `Artifact.`. */
  | { kind: "plugin"; prefix: string; replace: Span }
  /** After `Artifact.` (FROM or expression): artifact names; `prefix` is the dotted text typed after `Artifact.`. */
  | { kind: "artifact"; prefix: string; replace: Span }
  /**
   * After a complete operand or FROM target: operator keywords (AND, OR, IN, NOT, AS), clause
   * keywords (FROM, WHERE, GROUP BY, ORDER BY, LIMIT, DESC) or a next statement.
   */
  | { kind: "clause"; prefix: string; replace: Span }
  /** An expression operand: functions, LET names, columns, NOT/TRUE/FALSE/NULL. */
  | { kind: "expression"; prefix: string; replace: Span; call?: CallInfo }
  /** `obj.` then a member name; `object` is the dotted text before the last `.`. */
  | { kind: "member"; object: string; prefix: string; replace: Span }
  /** An argument name position inside `name(`...: offer the callee's arguments not yet given. */
  | { kind: "argument-name"; call: CallInfo; prefix: string; replace: Span }
  /** Right after `arg=`, or inside a string that is the whole value (`artifact="Win...`). */
  | { kind: "argument-value"; call: CallInfo; arg: string; inString: boolean; prefix: string; replace: Span }
  /** After `ORDER BY`: a column name. */
  | { kind: "column"; prefix: string; replace: Span };

export interface CallInfo {
  /** Dotted name of the callee as written. */
  name: string;
  /** "plugin" for a FROM target, "function" otherwise. */
  calleeKind: "plugin" | "function";
  /** Argument names already written in this call, in order. */
  given: string[];
  /** Span of the callee name. */
  nameSpan: Span;
}

const isOp = (t: Token | undefined, text: string) => t?.kind === "op" && t.text === text;
const isWordToken = (t: Token) => t.kind === "ident" || /^[A-Z]+$/.test(t.kind);

export function completionContext(text: string, offset: number): CompletionContext {
  const tokens = tokenize(text).tokens;
  // The token the cursor is in or right after.
  let k = tokens.findIndex((t) => t.start < offset && offset <= t.end);
  const current = k >= 0 ? tokens[k] : undefined;
  if (current && (current.kind === "comment" || (current.kind === "invalid" && current.text.startsWith("/*")))) {
    if (current.kind === "invalid" || offset < current.end || current.text.startsWith("--") || current.text.startsWith("//")) return { kind: "none" };
  }
  const code = tokens.filter((t) => t.kind !== "comment");
  k = current ? code.indexOf(current) : -1;
  const isString = current && (current.kind === "string" || (current.kind === "invalid" && /^['"]/.test(current.text)));
  if (current && isString && (offset < current.end || current.kind === "invalid")) {
    return stringContext(code, k, current, offset);
  }
  if (current && current.kind === "number") return offset < current.end ? { kind: "none" } : { kind: "clause", prefix: "", replace: { start: offset, end: offset } };
  // The word being typed (may be empty).
  let prefix = "";
  let replace: Span = { start: offset, end: offset };
  let before = k;
  if (current && isWordToken(current) && current.end === offset) {
    prefix = text.slice(current.start, offset);
    replace = { start: current.start, end: current.end };
    before = k - 1;
  } else if (current) {
    before = k;
  } else {
    before = lastIndexBefore(code, offset);
  }
  return classify(code, before, prefix, replace);
}

function lastIndexBefore(tokens: Token[], offset: number): number {
  let i = -1;
  for (let j = 0; j < tokens.length && tokens[j]!.end <= offset; j++) i = j;
  return i;
}

/** Decides from the tokens up to index `i` (inclusive) what the word after them is. */
function classify(tokens: Token[], i: number, prefix: string, replace: Span): CompletionContext {
  const prev = tokens[i];
  if (!prev) return { kind: "statement", prefix, replace };
  // Dotted continuation: `Artifact.Foo.` or `X.y.`
  if (isOp(prev, ".")) {
    const path = dottedBefore(tokens, i);
    if (path.root === "Artifact") return { kind: "artifact", prefix: path.rest + prefix, replace: { start: path.restStart ?? replace.start, end: replace.end } };
    return { kind: "member", object: path.text, prefix, replace };
  }
  const enclosing = enclosingOpen(tokens, i);
  if (enclosing && isOp(enclosing.token, "(")) {
    const call = callInfo(tokens, enclosing.index, i);
    if (call) {
      if (isOp(prev, "(") || isOp(prev, ",")) return { kind: "argument-name", call, prefix, replace };
      if (isOp(prev, "=") && tokens[i - 1]?.kind === "ident" && (isOp(tokens[i - 2], "(") || isOp(tokens[i - 2], ","))) {
        return { kind: "argument-value", call, arg: unquote(tokens[i - 1]!.text), inString: false, prefix, replace };
      }
      return operandOrAfter(tokens, i, prefix, replace, call);
    }
  }
  switch (prev.kind) {
    case "FROM":
      return { kind: "plugin", prefix, replace };
    case "ORDER BY":
      return { kind: "column", prefix, replace };
    case "LET":
    case "AS":
      return { kind: "none" };
    case "DESC":
    case "LIMIT":
      return prev.kind === "LIMIT" ? { kind: "none" } : { kind: "clause", prefix, replace };
  }
  // After a complete FROM target: `FROM x`, `FROM x(...)`.
  const from = fromTargetEnd(tokens, i);
  if (from) return { kind: "clause", prefix, replace };
  if (tokens[i - 1]?.kind === "ORDER BY" && prev.kind === "ident") return { kind: "clause", prefix, replace };
  if (tokens[i - 1]?.kind === "LIMIT" && prev.kind === "number") return { kind: "statement", prefix, replace };
  return operandOrAfter(tokens, i, prefix, replace);
}

/** After an operator or opener: an operand; after an operand: nothing specific (an operator or keyword). */
function operandOrAfter(tokens: Token[], i: number, prefix: string, replace: Span, call?: CallInfo): CompletionContext {
  const prev = tokens[i]!;
  const endsOperand =
    prev.kind === "number" || prev.kind === "string" || prev.kind === "ident" || prev.kind === "negated-ident" ||
    prev.kind === "TRUE" || prev.kind === "FALSE" || prev.kind === "NULL" || isOp(prev, ")") || isOp(prev, "]") || isOp(prev, "}");
  if (endsOperand) return { kind: "clause", prefix, replace };
  const e: CompletionContext = { kind: "expression", prefix, replace };
  if (call) e.call = call;
  return e;
}

/** If tokens[i] ends a FROM target (`FROM a.b` or `FROM a(...)`), true. */
function fromTargetEnd(tokens: Token[], i: number): boolean {
  let j = i;
  if (isOp(tokens[j], ")")) {
    let depth = 0;
    for (; j >= 0; j--) {
      if (isOp(tokens[j], ")")) depth++;
      else if (isOp(tokens[j], "(") && --depth === 0) break;
    }
    j--;
  }
  if (tokens[j]?.kind !== "ident") return false;
  while (isOp(tokens[j - 1], ".") && tokens[j - 2]?.kind === "ident") j -= 2;
  return tokens[j - 1]?.kind === "FROM";
}

/** The innermost `(`, `[` or `{` that is still open at token index i. */
function enclosingOpen(tokens: Token[], i: number): { token: Token; index: number } | undefined {
  let depth = 0;
  for (let j = i; j >= 0; j--) {
    const t = tokens[j]!;
    if (t.kind !== "op") continue;
    if (t.text === ")" || t.text === "]" || t.text === "}") depth++;
    else if (t.text === "(" || t.text === "[" || t.text === "{") {
      if (depth === 0) return { token: t, index: j };
      depth--;
    }
  }
  return undefined;
}

/** Callee of the `(` at index `open`, with the argument names given between it and index `i`. */
function callInfo(tokens: Token[], open: number, i: number): CallInfo | undefined {
  const nameTok = tokens[open - 1];
  if (!nameTok || (nameTok.kind !== "ident" && nameTok.kind !== "negated-ident")) return undefined;
  let j = open - 1;
  while (isOp(tokens[j - 1], ".") && tokens[j - 2]?.kind === "ident") j -= 2;
  const name = tokens.slice(j, open).map((t) => t.text).join("").replace(/^-/, "");
  const calleeKind = tokens[j - 1]?.kind === "FROM" ? "plugin" : "function";
  const given: string[] = [];
  let depth = 0;
  for (let m = open + 1; m <= i; m++) {
    const t = tokens[m]!;
    if (t.kind === "op" && "([{".includes(t.text)) depth++;
    else if (t.kind === "op" && ")]}".includes(t.text)) depth--;
    else if (depth === 0 && t.kind === "ident" && isOp(tokens[m + 1], "=") && (isOp(tokens[m - 1], "(") || isOp(tokens[m - 1], ","))) given.push(unquote(t.text));
  }
  return { name, calleeKind, given, nameSpan: { start: tokens[j]!.start, end: nameTok.end } };
}

/** The dotted path ending with the `.` at index i: root name, full text, and what follows the root. */
function dottedBefore(tokens: Token[], i: number): { root: string; text: string; rest: string; restStart?: number } {
  let j = i;
  while (tokens[j - 1] && (tokens[j - 1]!.kind === "ident" || tokens[j - 1]!.kind === "negated-ident") && isOp(tokens[j - 2], ".")) j -= 2;
  if (tokens[j - 1]?.kind === "ident" || tokens[j - 1]?.kind === "negated-ident") j -= 1;
  const parts = tokens.slice(j, i);
  const text = parts.map((t) => t.text).join("");
  const root = parts[0] ? unquote(parts[0].text.replace(/^-/, "")) : "";
  const restTokens = tokens.slice(j + 2, i + 1);
  const rest = restTokens.map((t) => t.text).join("");
  const r: { root: string; text: string; rest: string; restStart?: number } = { root, text, rest };
  if (restTokens[0]) r.restStart = restTokens[0].start;
  return r;
}

/** Inside a string token: an argument value `name="...` gets argument-value context, else none. */
function stringContext(tokens: Token[], k: number, str: Token, offset: number): CompletionContext {
  const eq = tokens[k - 1];
  const name = tokens[k - 2];
  if (!isOp(eq, "=") || name?.kind !== "ident" || !(isOp(tokens[k - 3], "(") || isOp(tokens[k - 3], ","))) return { kind: "none" };
  const enclosing = enclosingOpen(tokens, k - 1);
  if (!enclosing || !isOp(enclosing.token, "(")) return { kind: "none" };
  const call = callInfo(tokens, enclosing.index, k - 1);
  if (!call) return { kind: "none" };
  const quoteLen = str.text.startsWith("'''") ? 3 : 1;
  const typed = str.text.slice(0, offset - str.start);
  const prefix = quoteLen === 3 ? typed.slice(3) : decodeString(typed + typed[0]).value;
  const closeLen = str.kind === "string" ? quoteLen : 0;
  return {
    kind: "argument-value",
    call,
    arg: unquote(name.text),
    inString: true,
    prefix,
    replace: { start: str.start + quoteLen, end: Math.max(str.start + quoteLen, str.end - closeLen) },
  };
}

function unquote(name: string): string {
  return name.startsWith("`") && name.endsWith("`") && name.length >= 2 ? name.slice(1, -1) : name;
}
