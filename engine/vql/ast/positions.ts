// Offsets to people-facing positions: cached line starts + binary search (the TypeScript
// getLineStarts idea), 1-based line:col for messages, 0-based for editors, and the
// `line:col: message` + source line + caret rendering. No parsing.

import type { Diagnostic, Span } from "./types";

const cache = new Map<string, number[]>();
const CACHE_SIZE = 16;

/** Offsets at which each line starts (line 0 at 0). `\n`, `\r\n` and lone `\r` end lines. */
export function lineStarts(text: string): number[] {
  const hit = cache.get(text);
  if (hit) return hit;
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(text, starts);
  return starts;
}

/** 0-based line and character (UTF-16 units) of an offset, for editors and LSP payloads. */
export function position(text: string, offset: number): { line: number; character: number } {
  const starts = lineStarts(text);
  const o = Math.max(0, Math.min(offset, text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= o) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: o - starts[lo]! };
}

/** 1-based line and column of an offset, for people. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  const p = position(text, offset);
  return { line: p.line + 1, col: p.character + 1 };
}

/** The offset of a 0-based line/character (clamped), the inverse of position(). */
export function offsetAt(text: string, line: number, character: number): number {
  const starts = lineStarts(text);
  const l = Math.max(0, Math.min(line, starts.length - 1));
  const lineEnd = l + 1 < starts.length ? starts[l + 1]! : text.length;
  return Math.min(starts[l]! + Math.max(0, character), lineEnd);
}

/** The text of the line containing `offset`, without its line break. */
function lineText(text: string, line: number): string {
  const starts = lineStarts(text);
  const start = starts[line]!;
  const end = line + 1 < starts.length ? starts[line + 1]! : text.length;
  return text.slice(start, end).replace(/\r?\n$|\r$/, "");
}

/**
 * Renders `[prefix, ]line:col: message`, the source line and a caret under the span
 * (`^` repeated over the span's part on that line). `prefix` is e.g. "cell 3".
 */
export function renderAt(text: string, span: Span, message: string, prefix?: string): string {
  const { line, character } = position(text, span.start);
  const src = lineText(text, line);
  const width = Math.max(1, Math.min(span.end, span.start + src.length - character) - span.start);
  const pad = src.slice(0, character).replace(/[^\t]/g, " ");
  const head = `${prefix ? prefix + ", line " : ""}${line + 1}:${character + 1}: ${message}`;
  return `${head}\n${src}\n${pad}${"^".repeat(Math.min(width, Math.max(1, src.length - character)))}`;
}

/** renderAt for a diagnostic, with its hint on a last line when present. */
export function renderDiagnostic(text: string, d: Diagnostic, prefix?: string): string {
  const out = renderAt(text, d.span, `${d.severity} ${d.code}: ${d.message}`, prefix);
  return d.hint ? `${out}\nhint: ${d.hint}` : out;
}
