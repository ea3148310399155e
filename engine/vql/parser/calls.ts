// Call productions: argument lists `(name=value, ...)`, argument values (`{ SELECT }`,
// `[...]` with the one-element collapse rule, expressions), `**` unpacking, and the FROM
// clause's plugin call `A.B.C(args)`.

import type { Arg, Expr, Name, PluginCall } from "../ast/types";
import { describe, type Parser } from "./cursor";
import { allowHere, identName, parseAndExpr, startsExpr, symbolPart } from "./expressions";
import { parseSubquery } from "./statements";

/** After `(`: `[ Arg { "," Arg } ] ")"`. Consumes the closing parenthesis. */
export function parseCallArgs(p: Parser, path: string): Arg[] {
  const args: Arg[] = [];
  if (p.eatOp(")")) return args;
  for (;;) {
    args.push(parseArg(p, path));
    if (p.eatOp(",")) {
      if (p.isOp(")")) p.failHere("VQL1010", ["an argument after `,`", "`)`"], "VQL does not allow a trailing comma in an argument list");
      continue;
    }
    if (p.eatOp(")")) break;
    const hint = p.isOp("=>") ? 'lambdas are passed as strings, e.g. `condition="x => x > 1"`' : undefined;
    p.failHere("VQL1011", [path, describe(p.peek())], hint);
  }
  return args;
}

/** Arg := Name "=" ArgValue | `**` ArgValue (Talon shorthand for `` `**`=value ``). */
function parseArg(p: Parser, path: string): Arg {
  const t = p.peek();
  if (p.isOp("*") && p.isOp("*", 1) && p.peek(1).start === t.end) {
    p.next();
    const second = p.next();
    const name: Name = { kind: "name", span: { start: t.start, end: second.end }, name: "**", raw: "**" };
    const value = parseArgValue(p);
    p.report("VQL1507", { start: t.start, end: value.span.end }, [p.text.slice(value.span.start, value.span.end)]);
    return { kind: "arg", span: { start: t.start, end: value.span.end }, name, value, unpack: true };
  }
  if (t.kind === "ident" && p.isOp("=", 1)) {
    p.next();
    p.next();
    const name = identName(t, t.text);
    const value = parseArgValue(p);
    return { kind: "arg", span: { start: t.start, end: value.span.end }, name, value, unpack: name.name === "**" };
  }
  if (isKeyword(t.kind) && p.isOp("=", 1)) {
    p.failHere("VQL1014", [t.text], `write \`${t.text}\` in backticks`);
  }
  if (startsExpr(t)) {
    const hint = t.kind === "ident" ? `VQL has no positional arguments; write \`${t.text}=...\`` : undefined;
    p.failHere("VQL1023", [describe(t)], hint);
  }
  return p.failHere("VQL1011", [path, describe(t)]);
}

function isKeyword(kind: string): boolean {
  return /^[A-Z]/.test(kind);
}

/**
 * ArgValue := "{" Select "}" | "[" [CommaExpr] "]" | AndExpr. A bracket list written directly as
 * the value is plain vfilter (no warning) and gets the one-element collapse flag.
 */
export function parseArgValue(p: Parser): Expr {
  if (!startsExpr(p.peek())) p.failHere("VQL1013", [`after ${describe(p.prev())}`, describe(p.peek())]);
  if (p.isOp("{")) return parseSubquery(p);
  const value = parseAndExpr(p);
  if (value.kind === "array" && value.syntax === "bracket") {
    allowHere(p, value);
    value.collapse = value.elements.length === 1 && !value.trailingComma;
  }
  return value;
}

/** PluginCall := Name { "." Name } [ "(" args ")" ] (the FROM target). */
export function parsePluginCall(p: Parser): PluginCall {
  const t = p.peek();
  if (t.kind !== "ident") {
    const hint = isKeyword(t.kind) ? `write \`${t.text}\` in backticks to use it as a name` : undefined;
    p.failHere("VQL1010", ["a plugin or variable name after `FROM`", describe(t)], hint);
  }
  p.next();
  const name: Name[] = [symbolPart(t.text, t.start, t.end)];
  while (p.isOp(".")) {
    p.next();
    const part = p.peek();
    if (part.kind !== "ident") p.failHere("VQL1027", [describe(part)]);
    p.next();
    name.push(symbolPart(part.text, part.start, part.end));
  }
  const path = name.map((x) => x.raw).join(".");
  if (!p.isOp("(")) {
    return { kind: "plugin", span: { start: t.start, end: p.prev().end }, name, path, called: false, args: [] };
  }
  p.next();
  const args = parseCallArgs(p, path);
  return { kind: "plugin", span: { start: t.start, end: p.prev().end }, name, path, called: true, args };
}
