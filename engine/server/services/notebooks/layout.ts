// A VQL cell's output layout from its text, before it runs: `/* ... */` comments become Markdown
// blocks between the result tables, one table per SELECT (LETs produce none), as in Velociraptor.
// Also the cell's syntax problems as log lines with line:col. Pure.
import { hasErrors, parse, type Diagnostic, type ParseResult } from "@/engine/vql/parser";
import { lineCol } from "@/engine/vql/ast/positions";
import type { CellLog, OutputBlock } from "@/engine/server/contracts/notebooks";

/** The Markdown inside a block comment: delimiters removed, common indentation removed. */
export function commentMarkdown(text: string): string {
  const body = text.replace(/^\/\*+/, "").replace(/\*+\/$/, "").replace(/\s+$/, "");
  // Text on the `/*` line itself starts at the left margin; later lines lose their common indent.
  const [head, ...rest] = body.split("\n");
  const indents = rest.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  const lines = [head!.trim(), ...rest.map((l) => l.slice(cut))];
  while (lines.length && !lines[0]!.trim()) lines.shift();
  return lines.join("\n");
}

export interface CellPlan {
  parsed: ParseResult;
  blocks: OutputBlock[];
  /** Number of SELECT statements (result tables). */
  selects: number;
  /** Syntax errors: the cell must not run. */
  hasErrors: boolean;
  /** Parse diagnostics as cell log lines. */
  logs: CellLog[];
}

export function diagnosticLog(input: string, d: Pick<Diagnostic, "code" | "severity" | "message" | "span">, time: number): CellLog {
  const pos = lineCol(input, d.span.start);
  return { level: d.severity === "error" ? "ERROR" : d.severity === "warning" ? "WARN" : "INFO", message: d.message, code: d.code, at: `${pos.line}:${pos.col}`, time };
}

export function planCell(input: string, time: number): CellPlan {
  const parsed = parse(input);
  const blocks: OutputBlock[] = [];
  let selects = 0;
  const used = new Set<number>();
  const pushComment = (c: { style: string; text: string; span: { start: number } }) => {
    used.add(c.span.start);
    if (c.style !== "block") return;
    const text = commentMarkdown(c.text);
    if (text.trim()) blocks.push({ kind: "markdown", text });
  };
  for (const st of parsed.statements) {
    for (const c of st.comments) pushComment(c);
    if (st.kind === "select") blocks.push({ kind: "table", table: selects++ });
  }
  // Comments after the last statement (those inside a statement stay out of the output).
  const lastEnd = parsed.statements.length ? parsed.statements[parsed.statements.length - 1]!.span.end : 0;
  for (const c of parsed.comments) if (!used.has(c.span.start) && c.span.start >= lastEnd) pushComment(c);
  return {
    parsed,
    blocks,
    selects,
    hasErrors: hasErrors(parsed.diagnostics),
    logs: parsed.diagnostics.map((d) => diagnosticLog(input, d, time)),
  };
}
