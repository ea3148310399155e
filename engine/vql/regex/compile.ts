/**
 * Compiling patterns with RE2 semantics (re2js), cached in an LRU. A compiled pattern offers
 * test() (with a JS RegExp fast path for provably safe patterns, see safe.ts), match iteration
 * with group offsets, and group names. Bad patterns come back as a RegexError value, never an
 * exception.
 */
import { RE2JS } from "re2js";
import { checkRegexInput, valueLimits } from "../values/limits";
import { Lru } from "./lru";
import { toFastRegex, type FastRegex } from "./safe";

/** Longest input the fast path accepts for patterns with a repeating quantifier. */
const FAST_REPEAT_LIMIT = 2048;

export interface RegexError {
  error: string;
}

/** One match: offsets [start, end, g1start, g1end, ...] in UTF-16 units; -1 for unset groups. */
export type MatchOffsets = number[];

export class CompiledRegex {
  readonly groupCount: number;
  /** Group index → name (index 0 is the whole match). */
  readonly groupNames: (string | null)[];

  constructor(
    readonly pattern: string,
    private readonly re2: RE2JS,
    private readonly fast: FastRegex | null,
  ) {
    this.groupCount = re2.groupCount();
    const names: (string | null)[] = new Array(this.groupCount + 1).fill(null);
    const named = (re2.matcher("") as unknown as { namedGroups: Record<string, number> }).namedGroups ?? {};
    for (const [name, idx] of Object.entries(named)) names[idx] = name;
    this.groupNames = names;
  }

  /** Unanchored search: does the pattern match anywhere in s? */
  test(s: string): boolean {
    if (s.length > valueLimits().maxRegexInput) checkRegexInput(s.length);
    const f = this.fast;
    if (f !== null && (!f.repeats || s.length <= FAST_REPEAT_LIMIT)) return f.re.test(s);
    return this.re2.test(s);
  }

  /** Whether the JS fast path is used for short inputs (for tests and docs). */
  get hasFastPath(): boolean {
    return this.fast !== null;
  }

  /** The first match at or after `from` (RE2 semantics: `^` matches only at 0). */
  exec(s: string, from = 0): MatchOffsets | null {
    if (s.length > valueLimits().maxRegexInput) checkRegexInput(s.length);
    const m = this.re2.matcher(s);
    if (!m.find(from)) return null;
    const out: number[] = [];
    for (let g = 0; g <= this.groupCount; g++) {
      const st = m.start(g);
      out.push(st, st < 0 ? -1 : m.end(g));
    }
    return out;
  }

  /**
   * All matches as Go's FindAll*Index: after an empty match the search moves one character on,
   * and an empty match right after the previous match is skipped.
   */
  *matchAll(s: string): Generator<MatchOffsets> {
    if (s.length > valueLimits().maxRegexInput) checkRegexInput(s.length);
    let pos = 0;
    let prevEnd = -1;
    const m = this.re2.matcher(s);
    while (pos <= s.length) {
      if (!m.find(pos)) return;
      const start = m.start(0);
      const end = m.end(0);
      let accept = true;
      if (end === start) {
        if (start === prevEnd) accept = false;
        pos = start + charWidth(s, start);
      } else pos = end;
      prevEnd = end;
      if (accept) {
        const out: number[] = [];
        for (let g = 0; g <= this.groupCount; g++) {
          const st = m.start(g);
          out.push(st, st < 0 ? -1 : m.end(g));
        }
        yield out;
      }
    }
  }
}

export function charWidth(s: string, i: number): number {
  if (i >= s.length) return 1;
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

export interface CompileOptions {
  /** Prepend `(?i)` (what `=~` and most Velociraptor regex functions do). */
  caseInsensitive?: boolean;
}

const cache = new Lru<string, CompiledRegex | RegexError>(512);

/** Compiles (or fetches from the cache) a Go/RE2 pattern. */
export function compileRegex(pattern: string, opts: CompileOptions = {}): CompiledRegex | RegexError {
  const source = opts.caseInsensitive ? "(?i)" + pattern : pattern;
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  let result: CompiledRegex | RegexError;
  try {
    const re2 = RE2JS.compile(source);
    result = new CompiledRegex(source, re2, toFastRegex(source));
  } catch (e) {
    result = { error: e instanceof Error ? e.message : String(e) };
  }
  cache.set(source, result);
  return result;
}

export function isRegexError(r: CompiledRegex | RegexError): r is RegexError {
  return !(r instanceof CompiledRegex);
}
