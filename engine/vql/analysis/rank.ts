// rankCompletions(prefix, candidates): which names the editor offers for a typed prefix and in
// what order. A name matches by kind (exact, prefix, prefix of a `_`/`.` part, letters in order from the first,
// a close typo of its start); the better kind wins over where the name runs, so `pslis` offers
// `pslist` (an endpoint plugin) before `parse_lines` (a server plugin it only matches in order).
// Pure string logic: no Monaco here.
import { editDistance } from "./suggest";

export interface RankCandidate {
  name: string;
  /** True for a builtin that does not run where this query runs (listed after the others). */
  elsewhere?: boolean;
  /** Lower groups first among equal matches (LET names before columns before builtins...). */
  group?: number;
}

/** How a name matches, best first. */
export const MATCH_KINDS = ["exact", "prefix", "part-prefix", "subsequence", "typo"] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/** How `name` matches `prefix` (case-insensitive), or undefined when it does not. */
export function matchKind(prefix: string, name: string): MatchKind | undefined {
  const p = prefix.toLowerCase();
  const n = name.toLowerCase();
  if (p === "") return "prefix";
  if (n === p) return "exact";
  if (n.startsWith(p)) return "prefix";
  if (n.split(/[_.]/).some((part, i) => i > 0 && part.startsWith(p))) return "part-prefix";
  if (n[0] === p[0] && isSubsequence(p, n)) return "subsequence";
  const limit = Math.max(1, Math.floor(p.length / 3));
  if (p.length >= 3 && editDistance(p, n.slice(0, p.length), limit) <= limit) return "typo";
  return undefined;
}

function isSubsequence(p: string, n: string): boolean {
  let j = 0;
  for (let i = 0; i < n.length && j < p.length; i++) if (n[i] === p[j]) j++;
  return j === p.length;
}

/**
 * The candidates that match `prefix`, best first: by match kind, then those that run here
 * before those that run elsewhere, then by group, then shorter names (when a prefix is typed),
 * then alphabetically.
 */
export function rankCompletions<T extends RankCandidate>(prefix: string, candidates: readonly T[]): T[] {
  const scored: { c: T; kind: number }[] = [];
  for (const c of candidates) {
    const m = matchKind(prefix, c.name);
    if (m) scored.push({ c, kind: MATCH_KINDS.indexOf(m) });
  }
  scored.sort(
    (a, b) =>
      a.kind - b.kind ||
      Number(Boolean(a.c.elsewhere)) - Number(Boolean(b.c.elsewhere)) ||
      (a.c.group ?? 0) - (b.c.group ?? 0) ||
      (prefix ? a.c.name.length - b.c.name.length : 0) ||
      (a.c.name < b.c.name ? -1 : a.c.name > b.c.name ? 1 : 0),
  );
  return scored.map((s) => s.c);
}
