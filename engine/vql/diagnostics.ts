// The one catalogue of VQL diagnostic codes: VQL1xxx syntax, VQL15xx Velociraptor-compatibility
// warnings (Talon accepts, Velociraptor rejects), VQL2xxx names and arguments (lint),
// VQL3xxx runtime (appended by the evaluator). Owns codes, severities and message templates;
// nothing else. Templates use {0}, {1}... placeholders; messages are one sentence, lowercase
// start, names in backticks, no trailing period (STYLE.md §7).

import type { Diagnostic, Severity, Span } from "./ast/types";

export interface DiagnosticTemplate {
  severity: Severity;
  template: string;
  /** What the code means, for docs and hover. */
  doc: string;
}

export const DIAGNOSTICS = {
  // ---- lexer ---------------------------------------------------------------------------
  VQL1001: { severity: "error", template: "unexpected character {0}", doc: "A character that starts no VQL token (`#`, `;`, `!`, `&`, `@`, `$`, `?`, non-ASCII letters outside strings)." },
  VQL1002: { severity: "error", template: "unterminated string: expected a closing {0}", doc: "A `'` or `\"` string without its closing quote." },
  VQL1003: { severity: "error", template: "unterminated comment: expected `*/` to close the `/*` comment", doc: "A block comment without its end." },
  VQL1004: { severity: "error", template: "unterminated name: expected a closing backtick", doc: "A backtick name without its closing backtick, or an empty one (``)." },
  VQL1005: { severity: "error", template: "number {0} is out of range", doc: "A number literal that is neither a valid int64 nor a finite float64." },
  // ---- parser --------------------------------------------------------------------------
  VQL1010: { severity: "error", template: "expected {0}, found {1}", doc: "A token that does not fit the grammar at this point." },
  VQL1011: { severity: "error", template: "expected `)` to close the arguments of `{0}(`, found {1}", doc: "An argument list that is not closed." },
  VQL1012: { severity: "error", template: "expected `FROM` after the columns of `SELECT`, found {0}", doc: "Every SELECT needs a FROM clause (use `FROM scope()` for a single row)." },
  VQL1013: { severity: "error", template: "expected an expression {0}, found {1}", doc: "An operand is missing." },
  VQL1014: { severity: "error", template: "`{0}` is a reserved keyword and cannot be used as a name here", doc: "Keywords (DESC, LIMIT, IN, ...) are reserved; backticks make them names." },
  VQL1015: { severity: "error", template: "`{0}` must come before `{1}`: clauses go in the order WHERE, GROUP BY, ORDER BY, LIMIT", doc: "SELECT clauses are in a fixed order and appear at most once." },
  VQL1016: { severity: "error", template: "`==` is not a VQL operator; use `=` to compare", doc: "Equality is a single `=`." },
  VQL1017: { severity: "error", template: "expected `SELECT` or `LET` to start a statement, found {0}", doc: "A statement starts with LET, SELECT or EXPLAIN SELECT; there is no `;` separator." },
  VQL1018: { severity: "error", template: "a `{ SELECT ... }` subquery is only allowed as a column or an argument value", doc: "Braces are not an expression; `LET X = SELECT ...` needs no braces." },
  VQL1019: { severity: "error", template: "empty parentheses `()` are not a value", doc: "Use `[]` as an argument value for an empty list." },
  VQL1020: { severity: "error", template: "expected a column name after `ORDER BY`, found {0}", doc: "ORDER BY takes exactly one column name (backticks allowed), optionally DESC." },
  VQL1021: { severity: "error", template: "expected an integer after `LIMIT`, found {0}", doc: "LIMIT takes an integer literal." },
  VQL1022: { severity: "error", template: "the query nests too deeply (more than {0} levels)", doc: "A guard against runaway nesting." },
  VQL1023: { severity: "error", template: "arguments must be named: expected `name=` before {0}", doc: "VQL has keyword arguments only (`f(x=1)`)." },
  VQL1024: { severity: "error", template: "expected `=` or `<=` after `LET {0}`, found {1}", doc: "LET needs `=` (lazy) or `<=` (materialized)." },
  VQL1025: { severity: "error", template: "a `*` column cannot have an alias", doc: "`*` copies all plugin columns and has no single name." },
  VQL1026: { severity: "error", template: "the result of `{0}(...)` cannot be called again", doc: "vfilter merges `f(a=1)(b=2)` into one call; Talon rejects it." },
  VQL1027: { severity: "error", template: "expected a name after `.`, found {0}", doc: "Member access needs a name (backticks for special characters)." },
  VQL1028: { severity: "error", template: "expected `]` to close {0}, found {1}", doc: "An index, slice or list that is not closed." },
  VQL1029: { severity: "error", template: "expected `}` to close the subquery, found {0}", doc: "A `{ SELECT ... }` that is not closed." },
  VQL1030: { severity: "error", template: "expected `)` to close the parenthesis, found {0}", doc: "A `(` that is not closed." },
  VQL1031: { severity: "error", template: "expected an expression after `,`, found {0}", doc: "Talon rejects empty list elements such as `(1,,2)`." },
  VQL1099: { severity: "error", template: "internal parser error: {0}", doc: "A bug in the parser; please report the query." },
  // ---- Velociraptor compatibility (Talon accepts with the obvious meaning) -------------
  VQL1501: { severity: "warning", template: "Velociraptor reads `{0}` as a negative value and rejects the query here; write `- {1}` with a space", doc: "A minus glued to a digit or name after an operand: Talon subtracts." },
  VQL1502: { severity: "warning", template: "Velociraptor has no `%` operator; Talon computes the remainder", doc: "The modulo operator is a Talon extension." },
  VQL1503: { severity: "warning", template: "Velociraptor accepts `[...]` only as an argument value; write {0}", doc: "A bracket list elsewhere is a Talon extension (always a list, no one-element collapse)." },
  VQL1504: { severity: "warning", template: "Velociraptor negates only names, calls and number literals written without a space; write {0}", doc: "Unary minus on other operands is a Talon extension." },
  VQL1505: { severity: "warning", template: "Velociraptor rejects this operand of `{0}`; wrap it in parentheses", doc: "The right operand of `*` and `/` (and index bounds) must be a bare value in Velociraptor." },
  VQL1506: { severity: "warning", template: "Velociraptor accepts only a bare value as an index or slice bound; wrap it in parentheses", doc: "`X[1 + 1]` is rejected by Velociraptor; write `X[(1 + 1)]`." },
  VQL1507: { severity: "warning", template: "Velociraptor does not accept `**{0}`; write `` `**`={0} ``", doc: "The `**dict` argument shorthand is a Talon extension." },
  VQL1510: { severity: "warning", template: "comparisons do not chain: VQL keeps only the last operator and compares {0}", doc: "`a < b < c` compares `a < c` (the middle operand is dropped)." },
  VQL1511: { severity: "warning", template: "a `SELECT` without columns returns empty rows", doc: "`SELECT FROM x()` is valid VQL but yields rows with no columns." },
  // ---- names and arguments (lint) ------------------------------------------------------
  VQL2001: { severity: "warning", template: "unknown function `{0}`{1}", doc: "No builtin function or LET of that name." },
  VQL2002: { severity: "warning", template: "unknown plugin `{0}`{1}", doc: "No builtin plugin, LET or variable of that name." },
  VQL2003: { severity: "warning", template: "unexpected argument `{0}` to `{1}()`{2}", doc: "The builtin declares no such argument." },
  VQL2004: { severity: "warning", template: "`{0}()` needs argument `{1}`", doc: "A required argument is missing." },
  VQL2005: { severity: "warning", template: "`{0}` binds tighter than `{1}` in VQL; add parentheses to make the grouping explicit", doc: "VQL's OR binds tighter than AND, unlike SQL." },
  VQL2006: { severity: "warning", template: "`{0}` is a function, not a plugin{1}", doc: "A function name used in FROM." },
  VQL2007: { severity: "warning", template: "`{0}` is a plugin, not a function; use it in `FROM`", doc: "A plugin name called in an expression." },
  VQL2008: { severity: "warning", template: "`{0}` is available on endpoints, not on the server: run it with `collect_client()` or in a CLIENT artifact", doc: "A builtin of the agent called in a query that runs on the server (a notebook cell, a SERVER artifact)." },
  VQL2009: { severity: "warning", template: "`{0}` is available on the server, not on endpoints", doc: "A server builtin called in a query that runs on an endpoint (a CLIENT artifact)." },
  VQL2010: { severity: "warning", template: "no artifact `{0}`{1}", doc: "An artifact name (`source(artifact=...)`, `collect_client(artifacts=...)`, `Artifact.X()`) that the repository does not hold." },
  // ---- runtime (evaluator; appended by the EVAL helper) ---------------------------------
  // Messages marked "Velociraptor text" keep Velociraptor's wording because artifact authors
  // match it with error regexes (e.g. "Symbol .* not found").
  VQL3001: { severity: "error", template: "unexpected argument `{0}` to `{1}()`{2}", doc: "A call passed an argument the builtin does not declare; the call gives NULL (plugins: no rows)." },
  VQL3002: { severity: "error", template: "`{0}()` needs argument `{1}` (Field {1} is required)", doc: "A required argument is missing; the call gives NULL (plugins: no rows). The parenthesis is Velociraptor text." },
  VQL3003: { severity: "error", template: "argument `{0}` of `{1}()` should be {2} not {3}", doc: "An argument value cannot be coerced to the declared type (Velociraptor: `Field end should be an int not string.`)." },
  VQL3004: { severity: "error", template: "permission denied: `{0}()` needs {1}", doc: "The caller lacks a permission the builtin declares; the call gives NULL / no rows." },
  VQL3005: { severity: "error", template: "{0}Symbol {1} not found. Current Scope is [{2}]", doc: "A name is not defined (Velociraptor text); the value is NULL." },
  VQL3006: { severity: "error", template: "Symbol {0} is not a function but it is being called.", doc: "A call of a variable that is not a function or query (Velociraptor text); the value is NULL." },
  VQL3007: { severity: "error", template: "Plugin {0} not found.{1}", doc: "FROM names no plugin, LET or variable (Velociraptor text, with hints); no rows." },
  VQL3008: { severity: "warning", template: "LET expression is masking a built in function {0}", doc: "A LET uses the name of a builtin; calls still reach the builtin (Velociraptor text)." },
  VQL3009: { severity: "warning", template: "LET {0} takes parameters but is materialized with <=: it is evaluated now without arguments", doc: "`LET F(x) <= ...` stores a value; calling it later fails." },
  VQL3010: { severity: "error", template: "Stack Overflow: {0}", doc: "More than 1000 nested LET evaluations or queries (Velociraptor text); the value is NULL / no rows." },
  VQL3011: { severity: "error", template: "Compile regexp: {0}", doc: "An invalid regular expression (RE2 syntax); the match is FALSE." },
  VQL3012: { severity: "error", template: "{0}: {1}", doc: "A builtin failed while running; its value is NULL (plugins: the rows end)." },
  VQL3013: { severity: "warning", template: "Extra unrecognized arg {0} when calling {1}", doc: "A parameterised LET used as a plugin got an argument it does not declare (Velociraptor text)." },
  VQL3014: { severity: "error", template: "{0}", doc: "The query was cancelled or timed out; no more rows." },
  VQL3015: { severity: "error", template: "invalid lambda `{0}`: {1}", doc: "A lambda string (`x => expr`) that does not parse; the value is NULL." },
  VQL3016: { severity: "error", template: "{0}", doc: "A value or a materialised query passed a configured size limit (LET rows or bytes, string, list or regex input size); the query stops." },
  VQL3017: { severity: "error", template: "{0}", doc: "The query's worker was stopped: it ran out of memory, or did not stop in time after its timeout or cancel." },
  VQL3020: { severity: "error", template: "{0}", doc: "An error reported by a builtin (its message starts with the builtin's name)." },
  VQL3099: { severity: "error", template: "internal error {0}: {1}", doc: "A bug in the evaluator; the id identifies the failure in the logs." },
} as const satisfies Record<string, DiagnosticTemplate>;

export type DiagnosticCode = keyof typeof DIAGNOSTICS;

/** Fills a template: each `{i}` becomes `args[i]`. */
export function formatMessage(code: DiagnosticCode, args: readonly string[] = []): string {
  return DIAGNOSTICS[code].template.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? "");
}

/** Builds a Diagnostic from the catalogue. */
export function makeDiagnostic(
  code: DiagnosticCode,
  span: Span,
  args: readonly string[] = [],
  hint?: string,
): Diagnostic {
  const d: Diagnostic = { code, severity: DIAGNOSTICS[code].severity, message: formatMessage(code, args), span };
  if (hint !== undefined) d.hint = hint;
  return d;
}

/** True when any diagnostic has error severity (the cell must not run). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
