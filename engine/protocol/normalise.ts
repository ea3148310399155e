// What the database can store, decided at the socket edge: a quick scan of a frame's JSON text
// (nesting depth; whether any string escapes a NUL or a surrogate), and, only when the scan
// says so, a walk of the decoded message that replaces NUL and lone surrogates with U+FFFD (as
// notebook cells do: PostgreSQL text and jsonb hold neither) and measures nesting. Pure
// functions on plain data; never throws.

export interface TextScan {
  /** Deepest nesting of arrays and objects (the message itself is level 1). */
  depth: number;
  /** Some string escapes U+0000 or a surrogate: the decoded message needs normalise(). */
  needsNormalise: boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;
/** An escape of U+0000 or of a surrogate (paired ones too: the walk then finds them whole). */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/** Whether the quote at `at` is escaped (an odd run of backslashes before it). */
function isEscaped(text: string, at: number): boolean {
  let n = 0;
  while (text.charCodeAt(at - 1 - n) === BACKSLASH) n++;
  return n % 2 === 1;
}

/**
 * One pass over JSON text, jumping over strings with indexOf; under half of JSON.parse's cost.
 * An escaped backslash followed by `u0000` counts as suspect too: that only costs a walk.
 */
export function scanJsonText(text: string): TextScan {
  let depth = 0;
  let max = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = text.indexOf('"', i + 1);
      while (j > 0 && isEscaped(text, j)) j = text.indexOf('"', j + 1);
      if (j < 0) break;
      i = j;
    } else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if (c === 93 || c === 125) depth--;
  }
  return { depth: max, needsNormalise: SUSPECT_ESCAPE.test(text) };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `s` with NUL and unpaired surrogates replaced by U+FFFD (the same string when there are none). */
export function storableText(s: string): string {
  let out = s.includes("\u0000") ? s.replace(/\u0000/g, "\uFFFD") : s;
  LONE_SURROGATE.lastIndex = 0;
  if (LONE_SURROGATE.test(out)) out = out.replace(LONE_SURROGATE, "\uFFFD");
  return out;
}

export interface Normalised<T> {
  value: T;
  /** Deepest nesting seen, capped at maxDepth + 1 (deeper parts are not walked). */
  depth: number;
  /** How many strings (values or keys) were changed. */
  replaced: number;
}

/**
 * Replaces NUL and lone surrogates in every string and key, and measures nesting without going
 * deeper than `maxDepth + 1`. Returns new arrays and objects only where something changed.
 */
export function normalise<T>(value: T, maxDepth: number): Normalised<T> {
  let deepest = 0;
  let replaced = 0;
  const walk = (v: unknown, level: number): unknown => {
    if (typeof v === "string") {
      const s = storableText(v);
      if (s !== v) replaced++;
      return s;
    }
    if (v === null || typeof v !== "object") return v;
    if (level > deepest) deepest = level;
    if (level > maxDepth) return v;
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const w = walk(v[i], level + 1);
        if (w !== v[i]) (out ??= v.slice())[i] = w;
      }
      return out ?? v;
    }
    let out: Record<string, unknown> | undefined;
    const src = v as Record<string, unknown>;
    for (const k of Object.keys(src)) {
      const nk = storableText(k);
      const w = walk(src[k], level + 1);
      if (nk !== k || w !== src[k]) {
        if (nk !== k) replaced++;
        out ??= { ...src };
        if (nk !== k) delete out[k];
        out[nk] = w;
      }
    }
    return out ?? v;
  };
  const result = walk(value, 1) as T;
  return { value: result, depth: deepest, replaced };
}
