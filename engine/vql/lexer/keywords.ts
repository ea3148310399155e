// The VQL keyword table: the single list the lexer, the editor's completion and its syntax
// highlighting all read. Owns keyword spellings and docs; no scanning logic.

export type KeywordKind =
  | "EXPLAIN"
  | "SELECT"
  | "WHERE"
  | "AND"
  | "OR"
  | "FROM"
  | "NOT"
  | "AS"
  | "IN"
  | "LIMIT"
  | "NULL"
  | "DESC"
  | "GROUP BY"
  | "ORDER BY"
  | "TRUE"
  | "FALSE"
  | "LET";

export interface KeywordInfo {
  keyword: KeywordKind;
  /** statement: starts a statement; clause: starts a SELECT clause; operator; literal; modifier. */
  category: "statement" | "clause" | "operator" | "literal" | "modifier";
  doc: string;
}

/** Every reserved word, case-insensitive, whole word. `GROUP BY`/`ORDER BY` allow any whitespace inside. */
export const KEYWORDS: readonly KeywordInfo[] = [
  { keyword: "LET", category: "statement", doc: "Define a name: `LET X = expr` (lazy), `LET X <= expr` (materialized), `LET F(a, b=1) = ...`." },
  { keyword: "SELECT", category: "statement", doc: "Query rows: `SELECT columns FROM plugin(args)`." },
  { keyword: "EXPLAIN", category: "statement", doc: "Before SELECT: same rows, plus DEBUG log lines tracing the query." },
  { keyword: "FROM", category: "clause", doc: "The row source: a plugin call, a stored query or a variable." },
  { keyword: "WHERE", category: "clause", doc: "Keep rows whose condition is truthy; may use column aliases." },
  { keyword: "GROUP BY", category: "clause", doc: "Group rows by an expression; aggregates accumulate per group; the last row of each group is output." },
  { keyword: "ORDER BY", category: "clause", doc: "Sort all rows by one column name, optionally DESC." },
  { keyword: "LIMIT", category: "clause", doc: "Stop after this many rows." },
  { keyword: "AS", category: "modifier", doc: "Name a column: `expr AS Name`." },
  { keyword: "DESC", category: "modifier", doc: "After ORDER BY: sort descending." },
  { keyword: "AND", category: "operator", doc: "Logical and (also `&&`, which returns the last value). Binds looser than OR." },
  { keyword: "OR", category: "operator", doc: "Logical or (also `||`, which returns the first truthy value). Binds tighter than AND." },
  { keyword: "NOT", category: "operator", doc: "Logical negation of truthiness; covers a whole comparison." },
  { keyword: "IN", category: "operator", doc: "Membership: element of a list, key of a dict, substring of a string." },
  { keyword: "TRUE", category: "literal", doc: "Boolean true." },
  { keyword: "FALSE", category: "literal", doc: "Boolean false." },
  { keyword: "NULL", category: "literal", doc: "The null value." },
];

const SINGLE_WORD = new Map<string, KeywordKind>();
for (const k of KEYWORDS) if (!k.keyword.includes(" ")) SINGLE_WORD.set(k.keyword, k.keyword);

/** The keyword a single word spells (case-insensitive), if any. `GROUP`/`ORDER` alone are not keywords. */
export function keywordOf(word: string): KeywordKind | undefined {
  return SINGLE_WORD.get(word.toUpperCase());
}

/** True when `word` (one or two words) is reserved, so it needs backticks to be a name. */
export function isReserved(word: string): boolean {
  return keywordOf(word) !== undefined;
}
