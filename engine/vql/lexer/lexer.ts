// The VQL scanner: turns text into tokens {kind, text, start, end} with vfilter's
// "first rule wins" order (REFERENCE.md §2). Comments come out as tokens. Never throws:
// invalid input becomes an `invalid` token plus a diagnostic. Does not decode literals
// (see literals.ts) and knows nothing about the grammar.

import type { Diagnostic } from "../ast/types";
import { makeDiagnostic } from "../diagnostics";
import { keywordOf, type KeywordKind } from "./keywords";

export type TokenKind =
  | KeywordKind
  | "ident"
  | "negated-ident"
  | "number"
  | "string"
  | "op"
  | "comment"
  | "invalid"
  | "eof";

/** One token. `||`, `|`, `|||` have kind "OR"; `&&` has kind "AND"; `text` keeps the spelling. */
export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

export interface LexResult {
  tokens: Token[];
  diagnostics: Diagnostic[];
}

/** `<>` `!=` `<=` `>=` `=>` `=~` */
function isOperator2(c: number, c1: number): boolean {
  if (c === 60) return c1 === 62 || c1 === 61;
  if (c === 33 || c === 62) return c1 === 61;
  if (c === 61) return c1 === 62 || c1 === 126;
  return false;
}
const OPERATORS1 = "-+:*/%,.()=<>{}[]";

const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);
/** Go RE2 `\s`: tab, newline, form feed, carriage return, space. */
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;

/** Length of a Number match at `i` (sign excluded), or 0. Mirrors `0x[hex]+|\d*\.?\d+([eE][-+]?\d+)?`. */
export function scanNumber(text: string, i: number): number {
  const n = text.length;
  if (text.charCodeAt(i) === 48 && text.charCodeAt(i + 1) === 120 && isHex(text.charCodeAt(i + 2))) {
    let j = i + 2;
    while (j < n && isHex(text.charCodeAt(j))) j++;
    return j - i;
  }
  let j = i;
  while (j < n && isDigit(text.charCodeAt(j))) j++;
  if (text.charCodeAt(j) === 46 && isDigit(text.charCodeAt(j + 1))) {
    j++;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
  } else if (j === i) {
    return 0;
  }
  const e = text.charCodeAt(j);
  if (e === 101 || e === 69) {
    let k = j + 1;
    const s = text.charCodeAt(k);
    if (s === 43 || s === 45) k++;
    if (isDigit(text.charCodeAt(k))) {
      while (k < n && isDigit(text.charCodeAt(k))) k++;
      j = k;
    }
  }
  return j - i;
}

/** Length of an Ident match at `i` (plain or backticked), 0 if none, -1 for an unterminated/empty backtick. */
function scanIdent(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (isIdentStart(c)) {
    let j = i + 1;
    while (j < text.length && isIdentPart(text.charCodeAt(j))) j++;
    return j - i;
  }
  if (c === 96) {
    const close = text.indexOf("`", i + 1);
    if (close === -1 || close === i + 1) return -1;
    return close + 1 - i;
  }
  return 0;
}

/** End offset of a `'...'`/`"..."` string starting at `i`, or -1 when unterminated. */
function scanQuoted(text: string, i: number): number {
  const q = text.charCodeAt(i);
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 92) {
      if (j + 1 >= text.length) return -1;
      j += 2;
      continue;
    }
    if (c === q) return j + 1;
    j++;
  }
  return -1;
}

function lineEnd(text: string, i: number): number {
  const nl = text.indexOf("\n", i);
  return nl === -1 ? text.length : nl;
}

/** Scans the whole text. Tokens are in source order; whitespace is dropped; no eof token. */
export function tokenize(text: string): LexResult {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: text.slice(i, end), start: i, end });
    i = end;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    if (isSpace(c)) {
      i++;
      continue;
    }
    // Comments: `/* */`, `--`, `//`.
    if (c === 47 && c1 === 42) {
      const close = text.indexOf("*/", i + 2);
      if (close === -1) {
        diagnostics.push(makeDiagnostic("VQL1003", { start: i, end: i + 2 }));
        push("invalid", n);
      } else push("comment", close + 2);
      continue;
    }
    if ((c === 45 && c1 === 45) || (c === 47 && c1 === 47)) {
      push("comment", lineEnd(text, i));
      continue;
    }
    // Keywords (whole words, case-insensitive), then pipes and &&.
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      // Keywords are 2 to 7 letters long; longer words are plain names.
      const word = j - i <= 7 ? text.slice(i, j) : "";
      const kw = word ? keywordOf(word) : undefined;
      if (kw) {
        push(kw, j);
        continue;
      }
      const upper = j - i === 5 ? word.toUpperCase() : "";
      if (upper === "GROUP" || upper === "ORDER") {
        let k = j;
        while (k < n && isSpace(text.charCodeAt(k))) k++;
        if (k > j && /^by$/i.test(text.slice(k, k + 2)) && !isIdentPart(text.charCodeAt(k + 2))) {
          push(upper === "GROUP" ? "GROUP BY" : "ORDER BY", k + 2);
          continue;
        }
      }
    }
    if (c === 124) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) === 124) j++;
      push("OR", j);
      continue;
    }
    if (c === 38 && c1 === 38) {
      push("AND", i + 2);
      continue;
    }
    // Number, with an optional glued minus.
    const sign = c === 45 ? 1 : 0;
    const num = scanNumber(text, i + sign);
    if (num > 0) {
      push("number", i + sign + num);
      continue;
    }
    // Ident, then SymbolIdent (`-name`).
    const id = scanIdent(text, i + sign);
    if (id > 0) {
      push(sign ? "negated-ident" : "ident", i + sign + id);
      continue;
    }
    if (id < 0 && !sign) {
      diagnostics.push(makeDiagnostic("VQL1004", { start: i, end: i + 1 }));
      push("invalid", lineEnd(text, i + 1));
      continue;
    }
    // Operators.
    if (isOperator2(c, c1)) {
      push("op", i + 2);
      continue;
    }
    if (OPERATORS1.includes(text[i]!)) {
      push("op", i + 1);
      continue;
    }
    // Strings: '''raw''' first, then quoted.
    if (c === 39 && text.startsWith("'''", i)) {
      const close = text.indexOf("'''", i + 3);
      if (close !== -1) {
        push("string", close + 3);
        continue;
      }
    }
    if (c === 39 || c === 34) {
      const end = scanQuoted(text, i);
      if (end !== -1) {
        push("string", end);
        continue;
      }
      diagnostics.push(makeDiagnostic("VQL1002", { start: i, end: i + 1 }, [c === 39 ? "`'`" : '`"`']));
      push("invalid", lineEnd(text, i + 1));
      continue;
    }
    // Nothing matches: one invalid character (a whole surrogate pair).
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    diagnostics.push(makeDiagnostic("VQL1001", { start: i, end: i + len }, [describeChar(text.slice(i, i + len))], hintFor(text[i]!)));
    push("invalid", i + len);
  }
  return { tokens, diagnostics };
}

function describeChar(ch: string): string {
  if (ch === "`") return "a backtick";
  const cp = ch.codePointAt(0)!;
  if (cp < 32 || cp === 127 || (cp >= 0x80 && cp <= 0xa0)) return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  return "`" + ch + "`";
}

function hintFor(ch: string): string | undefined {
  switch (ch) {
    case "#":
      return "VQL comments start with `--`, `//` or `/*`";
    case ";":
      return "VQL statements need no separator: start the next one with `LET` or `SELECT`";
    case "!":
      return "use `!=` for inequality or `NOT` for negation";
    case "&":
      return "use `AND` or `&&`";
    default:
      return undefined;
  }
}
