// Diagnostics for people and editors: `file:line:col: message` lines (1-based, as compilers
// print them) and 0-based editor ranges. Positions come from engine/vql's line table.
import { lineCol, position } from "../vql/ast/positions";
import type { Diagnostic } from "./types";

/** `file:line:col: error ART1006: message` (the hint, if any, follows on its own line). */
export function formatDiagnostic(file: string, text: string, d: Diagnostic): string {
  const { line, col } = lineCol(text, d.span.start);
  const head = `${file}:${line}:${col}: ${d.severity} ${d.code}: ${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

/** An editor marker range (0-based lines and characters), e.g. for Monaco after +1. */
export interface EditorRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export function editorRange(text: string, d: Diagnostic): EditorRange {
  const s = position(text, d.span.start);
  const e = position(text, Math.max(d.span.end, d.span.start + 1));
  return { startLine: s.line, startCharacter: s.character, endLine: e.line, endCharacter: e.character };
}
