// File changes for watch_files(), from inotify through Node's fs.watch: one watcher per
// directory on the way to the patterns' matches (watch-match.ts). An event only marks a path as
// pending; after a short pause (bursts of writes coalesce) each pending path is lstat'ed and
// compared with what was last seen, so a row says what changed (created, modified, deleted),
// not which syscalls ran. Owns its watchers and closes every one when the stream ends.
import { watch, type FSWatcher } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import type { Stats } from "node:fs";
import { abortableDelay } from "@/engine/vql/builtins/time/sleep";
import { fileInfo } from "./fs";
import { WatchMatcher } from "./watch-match";
import type { FileChange, FileInfo } from "../system";

const COALESCE_MS = 50;
const MAX_DEPTH = 30;

const join = (dir: string, name: string) => (dir === "/" ? `/${name}` : `${dir}/${name}`);
const signature = (st: Stats) => `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.mode}`;

interface Seen {
  sig: string;
  info: FileInfo;
}

/** The deepest existing directory of `path` (itself or an ancestor). */
async function existingAncestor(path: string): Promise<string> {
  for (let p = path; ; p = p.slice(0, p.lastIndexOf("/")) || "/") {
    if ((await lstat(p).catch(() => undefined))?.isDirectory()) return p;
    if (p === "/") return "/";
  }
}

export async function* watchFiles(patterns: string[], o: { root?: string; signal: AbortSignal; onReady?: (directories: number) => void }): AsyncIterable<FileChange> {
  const matcher = new WatchMatcher(patterns, o.root || "/");
  const seen = new Map<string, Seen>();
  const watchers = new Map<string, FSWatcher>();
  const pending = new Set<string>();
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const mark = (path: string) => {
    // Busy directories on the way (/tmp) report much that no pattern selects: drop that here.
    if (!matcher.isMatch(path) && !matcher.isWatchedDir(path) && !seen.has(path) && !watchers.has(path)) return;
    pending.add(path);
    wake?.();
  };

  const unwatch = (dir: string) => {
    watchers.get(dir)?.close();
    watchers.delete(dir);
  };

  const watchDir = (dir: string) => {
    if (watchers.has(dir)) return;
    try {
      // Linux always names the entry; an event without a name has nothing to re-check.
      const w = watch(dir, { persistent: true }, (_type, name) => name && mark(join(dir, name.toString())));
      w.on("error", () => unwatch(dir));
      watchers.set(dir, w);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR" && code !== "EACCES") failure ??= err as Error;
    }
  };

  /** Watches `dir` (before listing it, so nothing created meanwhile is missed) and what it holds. */
  const scan = async (dir: string, depth: number, report: FileChange[] | undefined) => {
    watchDir(dir);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const path = join(dir, name);
      const wanted = matcher.isMatch(path);
      const below = depth < MAX_DEPTH && matcher.isWatchedDir(path);
      if (!wanted && !below) continue;
      const st = await lstat(path).catch(() => undefined);
      if (!st) continue;
      if (wanted && !seen.has(path)) {
        const info = fileInfo(path, st);
        seen.set(path, { sig: signature(st), info });
        report?.push({ Action: "created", OSPath: path, Info: info });
      }
      if (below && st.isDirectory()) await scan(path, depth + 1, report);
    }
  };

  /** What happened to `path` since it was last looked at. */
  const check = async (path: string): Promise<FileChange[]> => {
    const st = await lstat(path).catch(() => undefined);
    const out: FileChange[] = [];
    const before = seen.get(path);
    if (!st) {
      if (before) out.push({ Action: "deleted", OSPath: path, Info: before.info });
      seen.delete(path);
      // A directory moved or removed as a whole: what was seen below it is gone too.
      const prefix = path + "/";
      for (const [p, s] of seen) {
        if (!p.startsWith(prefix)) continue;
        seen.delete(p);
        out.push({ Action: "deleted", OSPath: p, Info: s.info });
      }
      for (const d of [...watchers.keys()]) if (d === path || d.startsWith(prefix)) unwatch(d);
      return out;
    }
    if (matcher.isMatch(path)) {
      const sig = signature(st);
      if (!before || before.sig !== sig) {
        const info = fileInfo(path, st);
        seen.set(path, { sig, info });
        out.push({ Action: before ? "modified" : "created", OSPath: path, Info: info });
      }
    }
    if (st.isDirectory() && !watchers.has(path) && matcher.isWatchedDir(path)) await scan(path, 0, out);
    return out;
  };

  const onAbort = () => wake?.();
  o.signal.addEventListener("abort", onAbort);
  try {
    for (const prefix of matcher.literalPrefixes()) await scan(await existingAncestor(prefix), 0, undefined);
    if (failure) throw failure;
    o.onReady?.(watchers.size);
    for (;;) {
      o.signal.throwIfAborted();
      if (!pending.size) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      await abortableDelay(COALESCE_MS, o.signal);
      const batch = [...pending].sort();
      pending.clear();
      for (const path of batch) for (const change of await check(path)) yield change;
      if (failure) throw failure;
    }
  } finally {
    o.signal.removeEventListener("abort", onAbort);
    for (const w of watchers.values()) w.close();
    watchers.clear();
  }
}
