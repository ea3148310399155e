// The VQL syntax tree: plain data, a `kind` tag on every node, a `span` on every node.
// Owns the node shapes only; no methods, no evaluation, no printing (see print.ts, walk.ts).
// Spans are UTF-16 offsets into the parsed text, `end` exclusive.
// Shape changes must keep existing fields (the evaluator reads them); prefer adding fields.

/** Half-open UTF-16 offset range `[start, end)` into the source text. */
export interface Span {
  start: number;
  end: number;
}

/** A comment as written, including its delimiters (`/* ... *\/`, `-- ...`, `// ...`). */
export interface CommentToken {
  kind: "comment";
  /** "block" = `/* ... *\/`, "dash" = `-- ...`, "slash" = `// ...`. */
  style: "block" | "dash" | "slash";
  /** Full source text of the comment, delimiters included. */
  text: string;
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Statements

export type Statement = LetStatement | SelectStatement;

/**
 * `[EXPLAIN] SELECT columns FROM plugin [WHERE e] [GROUP BY e] [ORDER BY name [DESC]] [LIMIT n]`.
 * Used for top-level statements, LET bodies (`LET X = SELECT ...`) and `{ SELECT ... }` subqueries.
 */
export interface SelectStatement {
  kind: "select";
  span: Span;
  /** `EXPLAIN` keyword present: same rows, plus DEBUG log lines. */
  explain: boolean;
  /**
   * Columns in source order. A leading `SELECT *` and a `*` in the middle (`SELECT a, *, b`)
   * both appear as `{ kind: "star" }` entries at their position.
   */
  columns: Column[];
  /** The FROM clause. In a tree with error diagnostics it may have an empty `name`. */
  from: PluginCall;
  /** WHERE expression. `WHERE a, b` is an `array` node with `syntax: "bare"` (truthy when non-empty). */
  where?: Expr;
  /** GROUP BY expression; `GROUP BY a, b` is an `array` node with `syntax: "bare"`. */
  groupBy?: Expr;
  orderBy?: OrderBy;
  limit?: Limit;
  /**
   * Comments between the previous statement (or the start of text) and this statement's first
   * token; only filled for top-level statements. Notebooks render `/* *\/` ones as Markdown.
   */
  comments: CommentToken[];
}

/** One entry of the SELECT column list. */
export type Column = StarColumn | ExprColumn;

/** `*`: copy every member of the plugin row that is not already a column. */
export interface StarColumn {
  kind: "star";
  span: Span;
}

/** An expression column, optionally aliased. `expr` may be a `subquery` node (`{ SELECT ... }`). */
export interface ExprColumn {
  kind: "column";
  span: Span;
  expr: Expr;
  /** `AS name`; absent when the column is named by re-printing `expr` (see print.ts columnName). */
  alias?: Name;
}

/** `ORDER BY name [DESC]`: exactly one column name (backticks allowed). */
export interface OrderBy {
  kind: "order-by";
  span: Span;
  column: Name;
  desc: boolean;
}

/** `LIMIT n`. `value` is an integer (decimal, hex or octal literal as for numbers). */
export interface Limit {
  kind: "limit";
  span: Span;
  value: number;
  raw: string;
}

/**
 * `LET name [(params)] (= | <=) body`.
 * - `operator: "="` is lazy (re-evaluated on each reference); `"<="` is materialized once.
 * - `params` is undefined for `LET X = ...` and an array (possibly empty) for `LET X(...) = ...`.
 * - `body` is a SelectStatement for stored queries (`LET X = SELECT ...`), otherwise an Expr.
 */
export interface LetStatement {
  kind: "let";
  span: Span;
  name: Name;
  params?: Param[];
  operator: "=" | "<=";
  body: SelectStatement | Expr;
  /** Comments preceding this statement (see SelectStatement.comments). */
  comments: CommentToken[];
}

/** A LET parameter: `name` or `name=default` (default is any argument value, evaluated at call time). */
export interface Param {
  kind: "param";
  span: Span;
  name: Name;
  default?: Expr;
}

/**
 * A name as written: `Foo` or `` `a b` ``; `raw` is the source text (kept for printing).
 * `name` is the decoded name, decoded the way vfilter decodes that position:
 * - LET names, parameters, aliases, argument names, member names after `.`, ORDER BY columns:
 *   backticks removed and Go escapes inside them interpreted (vfilter Unquote_ident);
 * - components of dotted symbols, calls and FROM targets (SymbolRef.parts, CallExpr.name,
 *   PluginCall.name): backticks removed, no escape processing (vfilter SplitIdent).
 */
export interface Name {
  kind: "name";
  span: Span;
  name: string;
  raw: string;
}

// ---------------------------------------------------------------------------------------------
// FROM clause and calls

/**
 * The FROM target: `name`, `name(args)`, `A.B.C(args)`.
 * `called: false` selects from a variable (stored query, array, dict, scalar).
 * `called: true` calls a plugin (undotted name first tries the plugin table) or a parameterised
 * LET; a dotted name walks the path (`Artifact.Linux.Sys.Pslist(...)`).
 */
export interface PluginCall {
  kind: "plugin";
  span: Span;
  /** Dotted name components (each a Name; backticked components are split correctly). */
  name: Name[];
  /** Dotted name as written (components joined by "."), e.g. "Artifact.Linux.Sys.Pslist". */
  path: string;
  called: boolean;
  args: Arg[];
}

/**
 * A keyword argument `name=value`. Positional arguments do not exist in VQL.
 * `value` is an `array` node with `syntax: "bracket"` for `name=[...]`, a `subquery` node for
 * `name={ SELECT ... }`, or any other expression (passed lazily).
 * Unpacking: `` `**`=dict `` (vfilter) or `**dict` (Talon shorthand) has `unpack: true` and
 * `name.name === "**"`: the dict's members replace all the arguments.
 */
export interface Arg {
  kind: "arg";
  span: Span;
  name: Name;
  value: Expr;
  unpack: boolean;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BoolLiteral
  | NullLiteral
  | SymbolRef
  | CallExpr
  | MemberExpr
  | IndexExpr
  | SliceExpr
  | NegateExpr
  | NotExpr
  | BinaryExpr
  | CompareExpr
  | AndExpr
  | OrExpr
  | ParenExpr
  | ArrayExpr
  | SubqueryExpr
  | ErrorExpr;

/**
 * A number literal. The sign is part of the literal when glued (`-4`, `-0x10`).
 * `isInt`: parsed as int64 (decimal, `0x` hex, leading-zero octal); otherwise float64
 * (`1.5`, `1e3`, `.5`, and `08`/`09` which are not valid octal, or an int64 overflow).
 * `int64`: exact decimal text of the integer when it is outside JS's safe integer range.
 */
export interface NumberLiteral {
  kind: "number";
  span: Span;
  raw: string;
  value: number;
  isInt: boolean;
  int64?: string;
}

/**
 * A string literal. `raw` is the source text with quotes and escapes (printing keeps it).
 * VQL strings are byte strings: `bytes` holds the decoded bytes as a "binary string" (each
 * UTF-16 code unit is one byte 0..255). `value` is those bytes decoded as UTF-8 (invalid
 * sequences become U+FFFD); `isUtf8` says whether that decoding was lossless.
 * `'''raw'''` strings have no escape processing.
 */
export interface StringLiteral {
  kind: "string";
  span: Span;
  raw: string;
  quote: "'" | '"' | "'''";
  value: string;
  bytes: string;
  isUtf8: boolean;
}

/** `TRUE` / `FALSE`, any case; `raw` keeps the spelling (printed as written). */
export interface BoolLiteral {
  kind: "bool";
  span: Span;
  raw: string;
  value: boolean;
}

/** `NULL`, any case (always printed `NULL`). */
export interface NullLiteral {
  kind: "null";
  span: Span;
}

/**
 * A (possibly dotted) name reference: `X`, `X.y.z`, `` X.`a b` ``.
 * Resolution walks `parts`: the first through the scope, the rest as members; a missing first
 * part is "Symbol X not found", a missing later part is silently NULL.
 * (A negated name `-X` is a NegateExpr around a SymbolRef.)
 */
export interface SymbolRef {
  kind: "symbol";
  span: Span;
  parts: Name[];
}

/**
 * A call `name(args)` or `A.B.c(args)` in an expression. An undotted called name first tries
 * the function table, then variables (parameterised LETs, stored queries); a dotted one walks
 * the path like SymbolRef.
 */
export interface CallExpr {
  kind: "call";
  span: Span;
  name: Name[];
  /** Dotted name as written, e.g. "format" or "Artifact.Generic.Client.Info". */
  path: string;
  args: Arg[];
  /** Span of `(` ... `)` inclusive. */
  argsSpan: Span;
}

/** `object.property` applied to a value (after a call, index, paren...). */
export interface MemberExpr {
  kind: "member";
  span: Span;
  object: Expr;
  property: Name;
}

/** `object[index]`. */
export interface IndexExpr {
  kind: "index";
  span: Span;
  object: Expr;
  index: Expr;
}

/** `object[start:end]`, either bound optional. */
export interface SliceExpr {
  kind: "slice";
  span: Span;
  object: Expr;
  start?: Expr;
  end?: Expr;
}

/**
 * Negation `-operand`: flips bools, negates numbers, NULL for anything else.
 * vfilter only has it for names and calls (`-X`, `-a.b`, `-f(x=1)`); Talon also accepts
 * `-(expr)` and `- X` (with a warning; see docs/vql-differences.md).
 * It binds to the name or call only: `-X[0]` is `(-X)[0]`.
 */
export interface NegateExpr {
  kind: "negate";
  span: Span;
  operand: Expr;
}

/** `NOT operand`: boolean negation of truthiness. Covers a whole comparison (`NOT a = 2`). */
export interface NotExpr {
  kind: "not";
  span: Span;
  /** The keyword as written (printed as `NOT`). */
  raw: string;
  operand: Expr;
}

/**
 * Arithmetic, left-associative: `+ -` loosest, then `* /` (and `%`, a Talon extension).
 * `op` is the operator text.
 */
export interface BinaryExpr {
  kind: "binary";
  span: Span;
  op: "+" | "-" | "*" | "/" | "%";
  left: Expr;
  right: Expr;
}

/**
 * A single comparison. VQL comparisons do not chain: `a < b < c` keeps only the last operator
 * and compares `a < c` (the parser does this and warns). `op` is normalized (`IN`/`in` -> "IN");
 * `<>` parses but always evaluates to FALSE in vfilter.
 */
export interface CompareExpr {
  kind: "compare";
  span: Span;
  op: "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" | "IN" | "=~";
  left: Expr;
  right: Expr;
}

/**
 * `left AND right` / `left && right`, left-associative (a chain is nested on the left).
 * Binds LOOSER than OR. `operator` keeps the spelling: "&&" returns the right operand's value
 * when both are truthy, any spelling of AND returns TRUE; a falsy operand gives FALSE.
 */
export interface AndExpr {
  kind: "and";
  span: Span;
  operator: string;
  left: Expr;
  right: Expr;
}

/**
 * `left OR right` / `left || right` (also `|`, `|||`: any run of pipes), left-associative.
 * Binds TIGHTER than AND. Truthy left: returns left itself. Else truthy right: returns right
 * when `operator === "||"` exactly, otherwise TRUE. Else returns right.
 */
export interface OrExpr {
  kind: "or";
  span: Span;
  operator: string;
  left: Expr;
  right: Expr;
}

/** `( expr )` kept as written (parentheses appear in column names). */
export interface ParenExpr {
  kind: "paren";
  span: Span;
  expr: Expr;
}

/**
 * A list of expressions:
 * - `syntax: "paren"`: `(a, b)`, `(a,)` (a comma inside parentheses makes a list);
 * - `syntax: "bracket"`: `[a, b]`, `[]` - an argument value (`x=[1, 2]`), or anywhere in Talon;
 * - `syntax: "bare"`: `WHERE a, b` / `GROUP BY a, b`.
 * `trailingComma`: written with a comma after the last element (`(1,)` prints `(1, )`).
 * `collapse`: the one-element rule - `x=[v]` (argument value, one element, no trailing comma)
 * evaluates to `v` itself, not a list. Only ever true for bracket lists that are argument values.
 */
export interface ArrayExpr {
  kind: "array";
  span: Span;
  syntax: "paren" | "bracket" | "bare";
  elements: Expr[];
  trailingComma: boolean;
  collapse: boolean;
}

/**
 * `{ SELECT ... }`: only valid as a column or an argument value (and a LET parameter default).
 * As a column it runs per row and is simplified; as an argument it is passed as a query.
 */
export interface SubqueryExpr {
  kind: "subquery";
  span: Span;
  query: SelectStatement;
}

/** Placeholder for a missing or unparsable expression; only in trees with error diagnostics. */
export interface ErrorExpr {
  kind: "error";
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Parse result and diagnostics

export type Severity = "error" | "warning" | "info";

/** One problem found in VQL text. `code` comes from engine/vql/diagnostics.ts. */
export interface Diagnostic {
  code: string;
  severity: Severity;
  /** One sentence, lowercase start, names in backticks, no trailing period. */
  message: string;
  span: Span;
  hint?: string;
}

export interface ParseResult {
  statements: Statement[];
  diagnostics: Diagnostic[];
  comments: CommentToken[];
}

/** Every node kind, for walkers. */
export type Node =
  | Statement
  | Column
  | OrderBy
  | Limit
  | Param
  | Name
  | PluginCall
  | Arg
  | Expr;
