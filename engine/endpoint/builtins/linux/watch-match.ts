// Which paths a file watcher cares about, for glob patterns (glob-pattern.ts syntax): the files
// that match, and the directories worth watching: every directory that matches a prefix of a
// pattern's directory part, so that a directory created later on the way to matches (a new
// ~/.ssh) is noticed too. Pure.
import { componentRegex, expandBraces, hasWildcard, patternComponents } from "./glob-pattern";

type Component = "**" | RegExp;

interface Compiled {
  /** The leading components without wildcards, as a path (where watching can start). */
  literal: string;
  file: Component[];
  /** The directory part: the whole pattern when it ends in `**` (files at any depth). */
  dir: Component[];
}

function matchFrom(pat: Component[], i: number, path: string[], j: number, limit: number): boolean {
  if (i === limit) return j === path.length;
  const c = pat[i]!;
  if (c === "**") {
    for (let k = j; k <= path.length; k++) if (matchFrom(pat, i + 1, path, k, limit)) return true;
    return false;
  }
  return j < path.length && c.test(path[j]!) && matchFrom(pat, i + 1, path, j + 1, limit);
}

export const pathComponents = (path: string): string[] => path.split("/").filter((c) => c !== "");

export class WatchMatcher {
  private readonly compiled: Compiled[];

  constructor(patterns: string[], root = "/") {
    this.compiled = patterns.flatMap(expandBraces).map((p) => {
      const raw = patternComponents(p, root);
      const file: Component[] = raw.map((c) => (c === "**" ? "**" : componentRegex(c)));
      const dir = file[file.length - 1] === "**" ? file : file.slice(0, -1);
      const firstWild = raw.findIndex((c) => hasWildcard(c));
      const literal = raw.slice(0, Math.min(dir.length, firstWild < 0 ? raw.length : firstWild));
      return { literal: "/" + literal.join("/"), file, dir };
    });
  }

  /** Per pattern, the deepest directory without wildcards on the way to its matches. */
  literalPrefixes(): string[] {
    return [...new Set(this.compiled.map((c) => c.literal))];
  }

  /** The path (absolute) is one the patterns select. */
  isMatch(path: string): boolean {
    const comps = pathComponents(path);
    return this.compiled.some((c) => matchFrom(c.file, 0, comps, 0, c.file.length));
  }

  /** The directory should be watched: it matches some prefix of some pattern's directory part. */
  isWatchedDir(path: string): boolean {
    const comps = pathComponents(path);
    return this.compiled.some((c) => {
      for (let k = 0; k <= c.dir.length; k++) if (matchFrom(c.dir, 0, comps, 0, k)) return true;
      return false;
    });
  }
}
