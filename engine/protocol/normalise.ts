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
const U = 117;
const ZERO = 48;

function isSurrogateEscape(text: string, at: number): boolean {
  const h1 = text.charCodeAt(at) | 0x20; // lower case
  if (h1 !== 100) return false; // "d"
  const h2 = text.charCodeAt(at + 1) | 0x20;
  return (h2 >= 56 && h2 <= 57) || (h2 >= 97 && h2 <= 102); // 8-9, a-f
}

/** One pass over JSON text; the cost is a small fraction of JSON.parse's. */
export function scanJsonText(text: string): TextScan {
  let depth = 0;
  let max = 0;
  let needsNormalise = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string, looking only at its escapes.
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === QUOTE) break;
        if (d === BACKSLASH) {
          if (text.charCodeAt(i + 1) === U) {
            const zeros = text.charCodeAt(i + 2) === ZERO && text.charCodeAt(i + 3) === ZERO && text.charCodeAt(i + 4) === ZERO && text.charCodeAt(i + 5) === ZERO;
            if (zeros || isSurrogateEscape(text, i + 2)) needsNormalise = true;
          }
          i++;
        }
      }
    } else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if (c === 93 || c === 125) depth--;
  }
  return { depth: max, needsNormalise };
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
