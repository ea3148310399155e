// Expression productions, loosest to tightest (REFERENCE.md §3): comma list, AND, OR,
// NOT/comparison, + -, * /, member/index/slice, value. One function per production.
// Keeps vfilter's quirks (OR tighter than AND, non-chaining comparisons) and accepts, with a
// VQL15xx warning, the forms Velociraptor rejects but whose meaning is obvious.

import type { ArrayExpr, CompareExpr, Expr, Name, Span } from "../ast/types";
import { decodeNumber, decodeString, splitDotted, unquoteIdent as unquoteName } from "../lexer/literals";
import type { Token } from "../lexer/lexer";
import { parseCallArgs } from "./calls";
import { describe, spanOf, type Parser } from "./cursor";
import { parseSubquery } from "./statements";

const span = (start: number, end: number): Span => ({ start, end });

const COMPARE_OPS = new Set(["=", "!=", "<>", "<", "<=", ">", ">=", "=~"]);

/** True when a token can begin an expression. */
export function startsExpr(t: Token): boolean {
  switch (t.kind) {
    case "number":
    case "string":
    case "ident":
    case "negated-ident":
    case "TRUE":
    case "FALSE":
    case "NULL":
    case "NOT":
      return true;
    case "op":
      return t.text === "(" || t.text === "[" || t.text === "{" || t.text === "-";
    default:
      return false;
  }
}

/** CommaExpr: `a` or `a, b, ...` (trailing comma allowed) as a bare list (WHERE, GROUP BY). */
export function parseCommaExpr(p: Parser): Expr {
  const first = parseAndExpr(p);
  if (!p.isOp(",")) return first;
  return parseListTail(p, first, "bare", first.span.start);
}

/** After the first element of a list: `, b, c [,]`. */
function parseListTail(p: Parser, first: Expr, syntax: ArrayExpr["syntax"], start: number): ArrayExpr {
  const elements = [first];
  let trailingComma = false;
  while (p.eatOp(",")) {
    if (p.isOp(",")) p.failHere("VQL1031", [describe(p.peek())]);
    if (!startsExpr(p.peek())) {
      trailingComma = true;
      break;
    }
    elements.push(parseAndExpr(p));
  }
  const end = p.prev().end;
  return { kind: "array", span: span(start, end), syntax, elements, trailingComma, collapse: false };
}

/** AndExpr := OrExpr { (AND | &&) OrExpr } (left-associative). */
export function parseAndExpr(p: Parser): Expr {
  p.enter();
  const before = p.treeDepth;
  let left = parseOrExpr(p);
  while (p.peek().kind === "AND") {
    const op = p.next();
    p.chainStep();
    const right = parseOrExpr(p);
    left = { kind: "and", span: span(left.span.start, right.span.end), operator: op.text, left, right };
  }
  p.treeDepth = before;
  p.leave();
  return left;
}

/** OrExpr := Condition { (OR | |+) Condition }: binds tighter than AND. */
function parseOrExpr(p: Parser): Expr {
  const before = p.treeDepth;
  let left = parseCondition(p);
  while (p.peek().kind === "OR") {
    const op = p.next();
    p.chainStep();
    const right = parseCondition(p);
    left = { kind: "or", span: span(left.span.start, right.span.end), operator: op.text, left, right };
  }
  p.treeDepth = before;
  return left;
}

/** Condition := NOT Condition | Additive { CompOp Additive } (only the last comparison is kept). */
function parseCondition(p: Parser): Expr {
  if (p.peek().kind === "NOT") {
    const not = p.next();
    p.enter();
    const operand = parseCondition(p);
    p.leave();
    return { kind: "not", span: span(not.start, operand.span.end), raw: not.text, operand };
  }
  const left = parseAdditive(p);
  let result: CompareExpr | undefined;
  let count = 0;
  for (;;) {
    const t = p.peek();
    const isCmp = (t.kind === "op" && COMPARE_OPS.has(t.text)) || t.kind === "IN";
    if (!isCmp) break;
    p.next();
    if (t.text === "=" && p.isOp("=") && p.peek().start === t.end) {
      p.fail("VQL1016", span(t.start, t.end + 1));
    }
    const right = parseOperand(p, parseAdditive, t);
    const op = (t.kind === "IN" ? "IN" : t.text) as CompareExpr["op"];
    result = { kind: "compare", span: span(left.span.start, right.span.end), op, left, right };
    count++;
  }
  if (!result) return left;
  if (count > 1) {
    p.report("VQL1510", result.span, [`\`${p.text.slice(left.span.start, left.span.end)} ${result.op} ${p.text.slice(result.right.span.start, result.right.span.end)}\``]);
  }
  return result;
}

/** Parses the operand after operator token `op`, with a clear message when it is missing. */
function parseOperand(p: Parser, parse: (p: Parser) => Expr, op: Token): Expr {
  if (!startsExpr(p.peek())) p.failHere("VQL1013", [`after ${describe(op)}`, describe(p.peek())]);
  return parse(p);
}

/** Additive := Multiplicative { (+ | -) Multiplicative }; a glued `-1`/`-X` here is split (Talon). */
function parseAdditive(p: Parser): Expr {
  const before = p.treeDepth;
  let left = parseMultiplicative(p);
  for (;;) {
    const t = p.peek();
    if ((t.kind === "number" && t.text.startsWith("-")) || t.kind === "negated-ident") {
      p.report("VQL1501", spanOf(t), [t.text, t.text.slice(1)]);
      p.splitMinus();
      continue;
    }
    if (!(t.kind === "op" && (t.text === "+" || t.text === "-"))) break;
    p.next();
    p.chainStep();
    const right = parseOperand(p, parseMultiplicative, t);
    left = { kind: "binary", span: span(left.span.start, right.span.end), op: t.text as "+" | "-", left, right };
  }
  p.treeDepth = before;
  return left;
}

/** Multiplicative := Member { (* | / | %) Value }; a non-bare right operand is a Talon extension. */
function parseMultiplicative(p: Parser): Expr {
  const before = p.treeDepth;
  let left = parseMember(p);
  for (;;) {
    const t = p.peek();
    if (!(t.kind === "op" && (t.text === "*" || t.text === "/" || t.text === "%"))) break;
    p.next();
    if (t.text === "%") p.report("VQL1502", spanOf(t));
    p.chainStep();
    const right = parseOperand(p, parseMember, t);
    if (!isBareValue(right)) p.report("VQL1505", right.span, [t.text]);
    left = { kind: "binary", span: span(left.span.start, right.span.end), op: t.text as "*" | "/" | "%", left, right };
  }
  p.treeDepth = before;
  return left;
}

/** What vfilter's grammar calls a Value: literal, (dotted) name, call, negated name/call, parenthesis. */
export function isBareValue(e: Expr): boolean {
  switch (e.kind) {
    case "number":
    case "string":
    case "bool":
    case "null":
    case "symbol":
    case "call":
    case "paren":
      return true;
    case "array":
      return e.syntax === "paren";
    case "negate":
      return e.operand.kind === "symbol" || e.operand.kind === "call";
    default:
      return false;
  }
}

/** Member := Value { "[" index-or-slice "]" | "." Name }. */
function parseMember(p: Parser): Expr {
  const before = p.treeDepth;
  let object = parseValue(p);
  for (;;) {
    if (p.isOp(".") || p.isOp("[")) p.chainStep();
    if (p.isOp(".")) {
      p.next();
      const property = parseMemberName(p);
      object = { kind: "member", span: span(object.span.start, property.span.end), object, property };
    } else if (p.isOp("[")) {
      object = parseIndexOrSlice(p, object);
    } else {
      p.treeDepth = before;
      return object;
    }
  }
}

function parseMemberName(p: Parser): Name {
  const t = p.peek();
  if (t.kind !== "ident") {
    const hint = /^[A-Za-z]+$/.test(t.text) ? `write \`${t.text}\` in backticks` : undefined;
    p.failHere("VQL1027", [describe(t)], hint);
  }
  p.next();
  return identName(t, t.text);
}

function parseIndexOrSlice(p: Parser, object: Expr): Expr {
  const open = p.next();
  let start: Expr | undefined;
  if (!p.isOp(":")) {
    if (p.isOp("]")) p.failHere("VQL1013", ["inside `[]`", describe(p.peek())]);
    start = parseBound(p);
  }
  if (p.eatOp(":")) {
    const end = p.isOp("]") ? undefined : parseBound(p);
    const close = expectClose(p, "the slice");
    const node: Expr = { kind: "slice", span: span(object.span.start, close.end), object };
    if (start) node.start = start;
    if (end) node.end = end;
    return node;
  }
  const close = expectClose(p, `the index of \`${p.text.slice(object.span.start, open.start)}[\``);
  return { kind: "index", span: span(object.span.start, close.end), object, index: start! };
}

function parseBound(p: Parser): Expr {
  if (!startsExpr(p.peek())) p.failHere("VQL1013", ["inside `[]`", describe(p.peek())]);
  const e = parseAndExpr(p);
  if (!isBareValue(e)) p.report("VQL1506", e.span);
  return e;
}

function expectClose(p: Parser, what: string): Token {
  if (!p.isOp("]")) p.failHere("VQL1028", [what, describe(p.peek())]);
  return p.next();
}

/** Value := literal | name/call | ( CommaExpr ) | [ ... ] (Talon) | { SELECT } (context-checked) | -x (Talon). */
function parseValue(p: Parser): Expr {
  const t = p.peek();
  switch (t.kind) {
    case "number": {
      p.next();
      return numberNode(p, t, t.start, t.text);
    }
    case "string": {
      p.next();
      const d = decodeString(t.text);
      return { kind: "string", span: spanOf(t), raw: t.text, quote: d.quote, value: d.value, bytes: d.bytes, isUtf8: d.isUtf8 };
    }
    case "TRUE":
    case "FALSE":
      p.next();
      return { kind: "bool", span: spanOf(t), raw: t.text, value: t.kind === "TRUE" };
    case "NULL":
      p.next();
      return { kind: "null", span: spanOf(t) };
    case "ident":
      p.next();
      return parseSymbolOrCall(p, t, t.text, t.start);
    case "negated-ident": {
      p.next();
      const operand = parseSymbolOrCall(p, t, t.text.slice(1), t.start + 1);
      return { kind: "negate", span: span(t.start, operand.span.end), operand };
    }
    case "op":
      if (t.text === "(") return parseParen(p);
      if (t.text === "[") return parseBracketList(p);
      if (t.text === "{") return parseSubqueryExpr(p);
      if (t.text === "-") return parseUnaryMinus(p);
      break;
  }
  return p.failHere("VQL1013", [expressionContext(p), describe(t)]);
}

function expressionContext(p: Parser): string {
  const prev = p.prev();
  return prev.kind === "eof" ? "here" : `after ${describe(prev)}`;
}

function numberNode(p: Parser, t: Token, start: number, raw: string): Expr {
  const d = decodeNumber(raw);
  if (!d.ok) p.report("VQL1005", span(start, t.end), [`\`${raw}\``]);
  const node: Expr = { kind: "number", span: span(start, t.end), raw, value: d.value, isInt: d.isInt };
  if (d.int64 !== undefined) node.int64 = d.int64;
  return node;
}

/** A (dotted) name, optionally called. `first` is the first component's raw text. */
function parseSymbolOrCall(p: Parser, t: Token, first: string, start: number): Expr {
  const parts: Name[] = [symbolPart(first, start, t.end)];
  while (p.isOp(".") && p.peek(1).kind === "ident") {
    p.next();
    const part = p.next();
    parts.push(symbolPart(part.text, part.start, part.end));
  }
  const path = parts.map((x) => x.raw).join(".");
  if (!p.isOp("(")) return { kind: "symbol", span: span(start, p.prev().end), parts };
  const open = p.next();
  const args = parseCallArgs(p, path);
  const close = p.prev();
  if (p.isOp("(")) p.failHere("VQL1026", [path]);
  return { kind: "call", span: span(start, close.end), name: parts, path, args, argsSpan: span(open.start, close.end) };
}

/** A component of a dotted name: backticks removed (no escape processing, like vfilter SplitIdent). */
export function symbolPart(raw: string, start: number, end: number): Name {
  return { kind: "name", span: span(start, end), name: splitDotted(raw).join("."), raw };
}

/** A single name token where vfilter applies Unquote_ident (LET names, aliases, args, members). */
export function identName(t: Token, raw: string): Name {
  return { kind: "name", span: spanOf(t), name: unquoteName(raw), raw };
}

function parseParen(p: Parser): Expr {
  const open = p.next();
  if (p.isOp(")")) p.fail("VQL1019", span(open.start, p.peek().end));
  const first = parseAndExpr(p);
  const inner: Expr = p.isOp(",") ? parseListTail(p, first, "paren", open.start) : first;
  if (!p.isOp(")")) p.failHere("VQL1030", [describe(p.peek())]);
  const close = p.next();
  if (inner.kind === "array" && inner.syntax === "paren") {
    inner.span = span(open.start, close.end);
    return inner;
  }
  return { kind: "paren", span: span(open.start, close.end), expr: inner };
}

/** `[a, b]`: an argument value in vfilter; elsewhere a Talon extension (warning kept pending). */
function parseBracketList(p: Parser): ArrayExpr {
  const open = p.next();
  const elements: Expr[] = [];
  let trailingComma = false;
  if (!p.isOp("]")) {
    elements.push(parseAndExpr(p));
    while (p.eatOp(",")) {
      if (p.isOp(",")) p.failHere("VQL1031", [describe(p.peek())]);
      if (p.isOp("]")) {
        trailingComma = true;
        break;
      }
      elements.push(parseAndExpr(p));
    }
  }
  if (!p.isOp("]")) p.failHere("VQL1028", ["the list", describe(p.peek())]);
  const close = p.next();
  const node: ArrayExpr = { kind: "array", span: span(open.start, close.end), syntax: "bracket", elements, trailingComma, collapse: false };
  const suggestion = elements.length === 0 ? "an argument `x=[]`" : elements.length === 1 ? "`(x,)`" : "`(x, y)`";
  p.pending.set(node, { code: "VQL1503", severity: "warning", message: `Velociraptor accepts \`[...]\` only as an argument value; write ${suggestion}`, span: node.span });
  return node;
}

function parseSubqueryExpr(p: Parser): Expr {
  const node = parseSubquery(p);
  p.pending.set(node, { code: "VQL1018", severity: "error", message: "a `{ SELECT ... }` subquery is only allowed as a column or an argument value", span: node.span });
  return node;
}

/** `- 4`, `-(1 + 2)`, `- X`: Talon's unary minus (Velociraptor only has glued `-4` / `-X`). */
function parseUnaryMinus(p: Parser): Expr {
  const minus = p.next();
  const t = p.peek();
  if (t.kind === "number" && !t.text.startsWith("-")) {
    p.next();
    p.report("VQL1504", span(minus.start, t.end), [`\`-${t.text}\``]);
    const node = numberNode(p, t, minus.start, "-" + t.text);
    return node;
  }
  let operand: Expr;
  if (t.kind === "ident") {
    p.next();
    operand = parseSymbolOrCall(p, t, t.text, t.start);
  } else if (t.kind === "op" && t.text === "(") {
    operand = parseParen(p);
  } else {
    return p.failHere("VQL1013", ["after `-`", describe(t)]);
  }
  const node: Expr = { kind: "negate", span: span(minus.start, operand.span.end), operand };
  const fix = operand.kind === "paren" ? "`0 - (...)`" : `\`-${p.text.slice(t.start, operand.span.end)}\``;
  p.report("VQL1504", node.span, [fix]);
  return node;
}

/** Clears the pending context diagnostic of `e` when `e` sits where vfilter allows it. */
export function allowHere(p: Parser, e: Expr): void {
  p.pending.delete(e);
}
