// What the server benchmarks share: starting `talon serve` processes (production build, fresh
// data dirs, no local client, optionally on a fresh PostgreSQL database), sampling their RSS,
// signing in, calling the API and running VQL through /api/v1/query, waiting with a deadline,
// starting pooled agents (in this process, or in worker processes past POOL_SLICE), and
// stopping everything.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshPostgres } from "../e2e/support/talon-process";
import { startPool } from "../engine/client/pool/pool";

export const ROOT = join(import.meta.dirname, "..");
const PASSWORD = "bench-admin-password";

export function log(s: string) {
  process.stdout.write(`${s}\n`);
}

export function rssOf(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Exits with a message when there is no production build. */
export function requireBuild() {
  if (!existsSync(join(ROOT, ".next", "BUILD_ID"))) {
    log("No production build: run `npx next build` first (npm test does).");
    process.exit(2);
  }
}

export interface BenchServers {
  urls: string[];
  servers: ChildProcess[];
  outputs: string[];
  kind: "PostgreSQL" | "PGlite";
  /** Peak RSS of each server seen so far (sampled every 200 ms and from VmHWM). */
  peakRss(i: number): number;
  rss(i: number): number;
  stop(): Promise<void>;
}

/** Starts `count` servers on ports from `port`; with `adminUrl` they share a fresh PostgreSQL database. */
export async function startServers(o: { count: number; port: number; adminUrl?: string; env?: Record<string, string> }): Promise<BenchServers> {
  const ports = Array.from({ length: o.count }, (_, i) => o.port + i);
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const pg = o.adminUrl ? await freshPostgres(o.adminUrl) : undefined;
  const dataDirs = ports.map(() => mkdtempSync(join(tmpdir(), "talon-bench-")));
  const servers: ChildProcess[] = [];
  const outputs: string[] = [];
  const peaks = new Map<number, number>();
  for (const [i, port] of ports.entries()) {
    const env: NodeJS.ProcessEnv = { ...process.env, TALON_ADMIN_PASSWORD: PASSWORD, TALON_NO_BUILD: "1", NEXT_TELEMETRY_DISABLED: "1", ...o.env };
    if (pg) env.DATABASE_URL = pg.url;
    else delete env.DATABASE_URL;
    // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers.
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, join(ROOT, "scripts/talon.mjs"), "serve", "--port", String(port), "--data", dataDirs[i]!, "--no-local-client"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    outputs[i] = "";
    child.stdout!.on("data", (d) => (outputs[i] += d));
    child.stderr!.on("data", (d) => (outputs[i] += d));
    servers.push(child);
  }
  const sampler = setInterval(() => {
    for (const s of servers) {
      try {
        peaks.set(s.pid!, Math.max(peaks.get(s.pid!) ?? 0, rssOf(s.pid!).rss));
      } catch {
        // exited
      }
    }
  }, 200);
  for (const url of urls) await until(`the server on ${url}`, async () => ((await fetch(`${url}/api/health`)).ok ? true : undefined), 180_000, 200);
  return {
    urls,
    servers,
    outputs,
    kind: pg ? "PostgreSQL" : "PGlite",
    peakRss: (i) => Math.max(peaks.get(servers[i]!.pid!) ?? 0, (() => { try { return rssOf(servers[i]!.pid!).hwm; } catch { return 0; } })()),
    rss: (i) => rssOf(servers[i]!.pid!).rss,
    async stop() {
      clearInterval(sampler);
      for (const s of servers) s.kill("SIGTERM");
      await Promise.all(servers.map((s) => new Promise((r) => (s.exitCode !== null ? r(null) : s.once("exit", r)))));
      for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
      await pg?.drop();
    },
  };
}

export interface BenchApi {
  cookie: string;
  call(method: string, path: string, body?: unknown): Promise<any>;
  /** Rows of a VQL query run on the server as the administrator. */
  query(vql: string): Promise<Array<Record<string, unknown>>>;
}

export async function signIn(base: string): Promise<BenchApi> {
  const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json", Origin: base }, body: JSON.stringify({ username: "admin", password: PASSWORD }) });
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  return {
    cookie,
    async call(method, path, body) {
      const res = await fetch(`${base}${path}`, { method, headers: { cookie, Origin: base, ...(body ? { "Content-Type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
      const data = await res.json();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
      return data;
    },
    async query(vql) {
      const r = await fetch(`${base}/api/v1/query`, { method: "POST", headers: { cookie, Origin: base, "Content-Type": "application/json" }, body: JSON.stringify({ query: vql, maxRows: 10_000_000 }) });
      const lines = (await r.text()).trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { type?: string; row?: Record<string, unknown>; level?: string; message?: string });
      const err = lines.find((l) => l.level === "ERROR");
      if (err) throw new Error(`query failed: ${err.message}`);
      return lines.filter((l) => l.row).map((l) => l.row!);
    },
  };
}

// Every agent is one socket in a pool process and one in a server process, and a process's
// open-file limit caps both: the pool is split over processes of at most POOL_SLICE agents, and
// each server must fit its share of the agents (raise the limit with ulimit -n where allowed).
export const POOL_SLICE = 12_500;

export function poolProcesses(count: number): number {
  return Math.ceil(count / POOL_SLICE);
}

/** False (after saying why) when a server process could not hold its share of `count` agent sockets. */
export function fitsOpenFiles(count: number, processes: number): boolean {
  const softFiles = Number(/Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"))?.[1] ?? 0);
  const perServer = Math.ceil(count / processes);
  if (softFiles && perServer + 4096 > softFiles) {
    log(`Each server process would hold ${perServer} agent sockets, above this machine's open-file limit of ${softFiles} (less 4,096 for the rest): raise it (ulimit -n) or use more --processes.`);
    return false;
  }
  return true;
}

/** The pooled agents: in this process, or in worker processes when they do not fit one. */
export interface PoolHandle {
  stats(): { started: number; welcomed: number; online: number; refused: number; enrolled: number; flowsDone: number };
  allWelcomed(): Promise<void>;
  stop(): Promise<void>;
}

export function startPools(o: { servers: string[]; token: string; count: number; seed: string; rate: number }): PoolHandle {
  const processes = poolProcesses(o.count);
  if (processes === 1) return startPool({ servers: o.servers, spread: true, token: o.token, count: o.count, seed: o.seed, startRate: o.rate, version: "bench", log: (level, message) => log(`pool ${level}: ${message}`) });
  const workers = Array.from({ length: processes }, (_, k) => {
    const count = Math.min(POOL_SLICE, o.count - k * POOL_SLICE);
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts/bench-pool-worker.ts"), JSON.stringify({ ...o, count, seed: `${o.seed}/${k}`, rate: o.rate / processes })], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const w = { child, stats: { started: 0, welcomed: 0, online: 0, refused: 0, enrolled: 0, flowsDone: 0 }, welcomed: false };
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d;
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line === "WELCOMED") w.welcomed = true;
        else if (line.startsWith("{")) w.stats = JSON.parse(line);
      }
    });
    return w;
  });
  const sum = () => workers.reduce((a, w) => ({ started: a.started + w.stats.started, welcomed: a.welcomed + w.stats.welcomed, online: a.online + w.stats.online, refused: a.refused + w.stats.refused, enrolled: a.enrolled + w.stats.enrolled, flowsDone: a.flowsDone + w.stats.flowsDone }), { started: 0, welcomed: 0, online: 0, refused: 0, enrolled: 0, flowsDone: 0 });
  return {
    stats: sum,
    async allWelcomed() {
      while (!workers.every((w) => w.welcomed)) await new Promise((r) => setTimeout(r, 100));
    },
    async stop() {
      for (const w of workers) w.child.kill("SIGTERM");
      await Promise.all(workers.map((w) => new Promise((r) => (w.child.exitCode !== null ? r(null) : w.child.once("exit", r)))));
    },
  };
}
