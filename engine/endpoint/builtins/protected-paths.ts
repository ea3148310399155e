// Paths the agent never reads, whatever an artifact asks: its own state directory (the private
// key and the outbox), its own process under /proc, and on the server's host the server's data
// directory, the server's process and the host's secrets; plus configured ones
// (TALON_AGENT_PROTECTED_PATHS). `guardSystem` wraps an endpoint so every builtin that opens,
// lists, follows, watches, writes or removes files goes through the check; a path is checked as written and
// after resolving symlinks (realpath, or the parent's realpath for a missing file).
import { realpathSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { componentRegex, hasWildcard } from "./linux/glob-pattern";
import type { EndpointEvents, EndpointFs, EndpointSystem, EndpointWriter, FileInfo } from "./system";

/** One protected path: `pattern` is absolute, its components may use `*`, `?` and `[...]`; everything under it is protected too. */
export interface ProtectedPath {
  pattern: string;
  /** Why, for the log: "the agent's state directory". */
  reason: string;
}

export interface ProtectionOptions {
  /** The agent's state directory (identity.json, outbox). */
  stateDir?: string;
  /** Set on the server's own host (the local agent): the server's data directory. */
  serverDataDir?: string;
  /** Set on the server's own host: the server's process id (its /proc entry holds its environment). */
  serverPid?: number;
  /** More paths (TALON_AGENT_PROTECTED_PATHS, split on `:` or `,`). */
  extra?: string[];
}

/** What a server's host keeps from everyone collecting from it (Velociraptor's server is not a client). */
export const SERVER_HOST_PATHS: readonly ProtectedPath[] = [
  { pattern: "/etc/shadow", reason: "the server host's password hashes" },
  { pattern: "/etc/gshadow", reason: "the server host's password hashes" },
  { pattern: "/etc/ssh/ssh_host_*_key", reason: "the server host's SSH keys" },
  { pattern: "/proc/*/environ", reason: "process environments on the server's host" },
  { pattern: "/proc/*/mem", reason: "process memory on the server's host" },
];

/** Splits TALON_AGENT_PROTECTED_PATHS. */
export function parseProtectedPaths(text: string | undefined): string[] {
  return (text ?? "").split(/[:,]/).map((s) => s.trim()).filter((s) => s.startsWith("/"));
}

/** The protected list for an agent. */
export function protectedPaths(o: ProtectionOptions): ProtectedPath[] {
  const out: ProtectedPath[] = [
    { pattern: "/proc/self", reason: "the agent's own process" },
    { pattern: "/proc/thread-self", reason: "the agent's own process" },
    { pattern: `/proc/${process.pid}`, reason: "the agent's own process" },
  ];
  const dir = (reason: string, p: string) => {
    out.push({ pattern: resolve(p), reason });
    // The real location too, when the configured one goes through a symlink.
    try {
      const real = realpathSync(p);
      if (real !== resolve(p)) out.push({ pattern: real, reason });
    } catch {
      // not there yet
    }
  };
  if (o.stateDir) dir("the agent's state directory", o.stateDir);
  if (o.serverDataDir) dir("the server's data directory", o.serverDataDir);
  if (o.serverPid) out.push({ pattern: `/proc/${o.serverPid}`, reason: "the server's process" });
  if (o.serverDataDir || o.serverPid) out.push(...SERVER_HOST_PATHS);
  for (const p of o.extra ?? []) dir("a protected path (TALON_AGENT_PROTECTED_PATHS)", p);
  return out;
}

type Matcher = { comps: Array<string | RegExp>; reason: string };

function compile(list: readonly ProtectedPath[]): Matcher[] {
  return list.map((p) => ({ reason: p.reason, comps: p.pattern.split("/").filter(Boolean).map((c) => (hasWildcard(c) ? componentRegex(c) : c)) }));
}

function matches(m: Matcher, comps: string[]): boolean {
  if (comps.length < m.comps.length) return false;
  return m.comps.every((c, i) => (typeof c === "string" ? c === comps[i] : c.test(comps[i]!)));
}

/** The path with symlinks resolved; for a missing file, its parent's real path and its name. */
async function realPath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    try {
      return resolve(await realpath(dirname(path)), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

export interface PathGuard {
  /** The reason `path` is protected, or undefined when it may be read. */
  refusal(path: string): Promise<string | undefined>;
}

export function createPathGuard(list: readonly ProtectedPath[]): PathGuard {
  const matchers = compile(list);
  const find = (p: string) => {
    const comps = resolve(p).split("/").filter(Boolean);
    return matchers.find((m) => matches(m, comps))?.reason;
  };
  return {
    async refusal(path) {
      return find(path) ?? find(await realPath(path));
    },
  };
}

const LOG_PER_REASON = 5;

/** Thrown by a guarded endpoint for a protected path; builtins log its message. */
export class ProtectedPathError extends Error {
  readonly code = "EPROTECTED";
}

/**
 * The endpoint with every file access checked. `log` gets one line per refused path (glob() and
 * watches skip protected matches and stat() finds nothing, each logged once per guarded
 * system, at most five per reason); reads throw ProtectedPathError. Build one per query so its log goes to that query.
 */
export function guardSystem(system: EndpointSystem, guard: PathGuard, log: (message: string) => void): EndpointSystem {
  // At most LOG_PER_REASON lines per reason: a `/proc/*/environ` glob refuses hundreds of paths.
  const logged = new Map<string, Set<string>>();
  const refuse = (path: string, reason: string, change = false) => {
    const message = change ? `refused to change ${path}: it is ${reason}, which the agent never changes` : `refused to read ${path}: it is ${reason}, which the agent never reads`;
    const seen = logged.get(reason) ?? new Set<string>();
    logged.set(reason, seen);
    if (!seen.has(path) && seen.size < LOG_PER_REASON) {
      seen.add(path);
      log(seen.size === LOG_PER_REASON ? `${message} (more paths refused for this reason are not logged)` : message);
    }
    return message;
  };
  async function check(path: string): Promise<void> {
    const reason = await guard.refusal(path);
    if (reason) throw new ProtectedPathError(refuse(path, reason));
  }
  async function allowed(f: FileInfo): Promise<boolean> {
    const reason = await guard.refusal(f.OSPath);
    if (reason) refuse(f.OSPath, reason);
    return !reason;
  }
  const fs: EndpointFs = {
    async *glob(patterns, o) {
      // recursion_callback is never shown a protected entry: the walk goes on into it as without
      // a callback (what it finds there is still checked below).
      const descend = o.descend;
      const guarded = descend ? { ...o, descend: async (f: FileInfo) => Boolean(await guard.refusal(f.OSPath)) || descend(f) } : o;
      for await (const f of system.fs.glob(patterns, guarded)) if (await allowed(f)) yield f;
    },
    async stat(path) {
      const reason = await guard.refusal(path);
      if (reason) return void refuse(path, reason);
      return system.fs.stat(path);
    },
    async *read(path, o) {
      await check(path);
      yield* system.fs.read(path, o);
    },
    async refusal(path) {
      const reason = await guard.refusal(path);
      return reason ? refuse(path, reason) : undefined;
    },
  };
  // Writes (copy(), rm(), unzip()...) to a protected path are refused the same way.
  const w = system.writer;
  const checkWrite = async (path: string) => {
    const reason = await guard.refusal(path);
    if (reason) throw new ProtectedPathError(refuse(path, reason, true));
  };
  const writer: EndpointWriter | undefined = w && {
    tempDir: () => w.tempDir(),
    mkdtemp: () => w.mkdtemp(),
    async open(path, o) {
      await checkWrite(path);
      return w.open(path, o);
    },
    async remove(path, o) {
      await checkWrite(path);
      return w.remove(path, o);
    },
  };
  const ev = system.events;
  const events: EndpointEvents | undefined = ev && {
    async followLines(path, o) {
      await check(path);
      return ev.followLines(path, o);
    },
    async *journal(o) {
      for (const f of o.files ?? []) await check(f);
      yield* ev.journal(o);
    },
    async *watchFiles(patterns, o) {
      for await (const c of ev.watchFiles(patterns, o)) if (await allowed(c.Info)) yield c;
    },
    // The kernel's audit records name no file to open.
    ...(ev.audit ? { audit: ev.audit } : {}),
    // Nor do the kernel's process and packet events.
    ...(ev.kernel ? { kernel: ev.kernel } : {}),
  };
  return { ...system, fs, ...(events ? { events } : {}), ...(writer ? { writer } : {}) };
}
