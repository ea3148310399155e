// outline(parseResult): the statements of a cell as the editor's outline and the notebook's
// table headings show them: LET names with parameters, SELECTs with their source, columns
// and preceding Markdown comment. Works on broken cells (partial statements are included).

import { columnName } from "../ast/print";
import { flatExpr } from "../ast/format";
import type { CommentToken, ParseResult, Span, Statement } from "../ast/types";

export interface OutlineParam {
  name: string;
  /** The default value as written (canonical one-line form), when there is one. */
  default?: string;
}

export type OutlineEntry =
  | {
      kind: "let";
      statement: number;
      name: string;
      /** Undefined for `LET X = ...`; the parameter list for `LET F(...) = ...`. */
      params?: OutlineParam[];
      operator: "=" | "<=";
      /** "query" for a stored query (SELECT body), "expression" otherwise, "error" when broken. */
      body: "query" | "expression" | "error";
      span: Span;
      nameSpan: Span;
    }
  | {
      kind: "select";
      statement: number;
      /** FROM target path ("" in a broken statement). */
      from: string;
      columns: string[];
      explain: boolean;
      /** Text of the `/* ... *\/` comments right before the statement (notebooks render it as Markdown). */
      markdown?: string;
      span: Span;
    };

export function outline(result: Pick<ParseResult, "statements">): OutlineEntry[] {
  return result.statements.map((s, i) => entry(s, i));
}

function entry(s: Statement, statement: number): OutlineEntry {
  if (s.kind === "let") {
    const e: OutlineEntry = {
      kind: "let",
      statement,
      name: s.name.name,
      operator: s.operator,
      body: s.body.kind === "select" ? "query" : s.body.kind === "error" ? "error" : "expression",
      span: s.span,
      nameSpan: s.name.span,
    };
    if (s.params) e.params = s.params.map((p) => (p.default ? { name: p.name.name, default: flatExpr(p.default) } : { name: p.name.name }));
    return e;
  }
  const e: OutlineEntry = {
    kind: "select",
    statement,
    from: s.from.path,
    columns: s.columns.map(columnName),
    explain: s.explain,
    span: s.span,
  };
  const md = markdownOf(s.comments);
  if (md !== undefined) e.markdown = md;
  return e;
}

/** The text inside the block comments that precede a statement, joined by blank lines. */
export function markdownOf(comments: readonly CommentToken[]): string | undefined {
  const blocks = comments.filter((c) => c.style === "block").map((c) => dedent(c.text.slice(2, -2)));
  return blocks.length ? blocks.join("\n\n") : undefined;
}

/** Removes the common indentation and surrounding blank lines of a comment body. */
function dedent(text: string): string {
  const lines = text.replace(/^\s*\n|\n\s*$/g, "").split("\n");
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n").trim();
}
