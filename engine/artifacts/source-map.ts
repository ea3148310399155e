// Where a YAML scalar's decoded characters sit in the file, so a VQL diagnostic at an offset in
// a `query:` value is reported at the file's own line:col. Works by aligning the decoded value
// with the scalar's source text: indentation, line folding, quotes and escapes are skipped.
import type { SourceMap, Span } from "./types";

const SKIPPABLE = new Set([" ", "\t", "\n", "\r", "\\", "'", '"']);
/** How far to look past a character that no source character matches (escapes such as `\n`). */
const RESYNC_WINDOW = 6;

/**
 * Aligns `value` with `text.slice(start, end)` (the scalar's source; for block scalars `start`
 * is just after the header line). Returns runs of [valueOffset, fileOffset].
 */
export function alignScalar(value: string, text: string, start: number, end: number): SourceMap {
  const runs: SourceMap = [];
  let p = start;
  let prev = -2;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    let q = p;
    while (q < end && text[q] !== c && SKIPPABLE.has(text[q]!)) q++;
    if (q >= end || text[q] !== c) {
      // No match past skippable characters: an escape produced it. Resynchronise nearby.
      const near = text.slice(p, Math.min(end, p + RESYNC_WINDOW)).indexOf(c);
      q = near >= 0 ? p + near : Math.min(p, Math.max(start, end - 1));
    }
    if (q !== prev + 1) runs.push([i, q]);
    prev = q;
    p = Math.min(end, q + 1);
  }
  if (runs.length === 0) runs.push([0, start]);
  return runs;
}

/** The file offset of a value offset (an offset at the value's end maps just past its last character). */
export function mapOffset(map: SourceMap, offset: number): number {
  if (map.length === 0) return offset;
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (map[mid]![0] <= offset) lo = mid;
    else hi = mid - 1;
  }
  const [v, f] = map[lo]!;
  return f + Math.max(0, offset - v);
}

/** A value span as a file span; an end offset maps from the character before it. */
export function mapSpan(map: SourceMap, span: Span): Span {
  const start = mapOffset(map, span.start);
  const end = span.end > span.start ? mapOffset(map, span.end - 1) + 1 : start;
  return { start, end: Math.max(start, end) };
}
