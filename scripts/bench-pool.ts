// `npm run bench:pool [-- --count N --seed S --port P --interrogate --database-url URL]`:
// starts `talon serve` (production build, fresh data dir, no local client), connects N pooled
// agents from this process, runs one collection on all of them (10 rows each), and prints:
// time until all are enrolled, time until all flows finished, rows stored vs expected, and the
// server's peak RSS. Interrogation is off unless --interrogate (then it runs at its default
// 100/s alongside). Goal on a 2-core machine: 10,000 agents enrolled < 60 s, flows done < 60 s,
// server peak RSS < 1.5 GiB.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startPool } from "../engine/client/pool/pool";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "10000" },
    seed: { type: "string", default: "bench" },
    port: { type: "string", default: "3700" },
    rate: { type: "string", default: "1000" },
    interrogate: { type: "boolean", default: false },
    "database-url": { type: "string" },
  },
});
const COUNT = Number(values.count);
const PORT = Number(values.port);
const URL_BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = "bench-admin-password";
const ROOT = join(import.meta.dirname, "..");

const BENCH_ARTIFACT = `name: Custom.Bench.Rows
description: Ten process rows per endpoint (the pool benchmark's collection).
type: CLIENT
sources:
  - query: |
      SELECT Pid, Ppid, Name, Username, CommandLine, Exe FROM pslist() LIMIT 10
`;

function log(s: string) {
  process.stdout.write(`${s}\n`);
}

function rssOf(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

if (!existsSync(join(ROOT, ".next", "BUILD_ID"))) {
  log("No production build: run `npx next build` first (npm test does).");
  process.exit(2);
}

const dataDir = mkdtempSync(join(tmpdir(), "talon-bench-pool-"));
const env: NodeJS.ProcessEnv = { ...process.env, TALON_ADMIN_PASSWORD: PASSWORD, TALON_NO_BUILD: "1", NEXT_TELEMETRY_DISABLED: "1", TALON_INTERROGATIONS_PER_SECOND: values.interrogate ? "100" : "0" };
if (values["database-url"]) env.DATABASE_URL = values["database-url"];
else delete env.DATABASE_URL;
const server = spawn(process.execPath, [join(ROOT, "scripts/talon.mjs"), "serve", "--port", String(PORT), "--data", dataDir, "--no-local-client"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
let serverOut = "";
server.stdout!.on("data", (d) => (serverOut += d));
server.stderr!.on("data", (d) => (serverOut += d));
let peakRss = 0;
const sampler = setInterval(() => {
  try {
    peakRss = Math.max(peakRss, rssOf(server.pid!).rss);
  } catch {
    // exited
  }
}, 200);

let pool: ReturnType<typeof startPool> | undefined;
try {
  await until("the server", async () => ((await fetch(`${URL_BASE}/api/health`)).ok ? true : undefined), 180_000, 200);
  const login = await fetch(`${URL_BASE}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json", Origin: URL_BASE }, body: JSON.stringify({ username: "admin", password: PASSWORD }) });
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${URL_BASE}${path}`, { method, headers: { cookie, Origin: URL_BASE, ...(body ? { "Content-Type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const data = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  };
  const { token } = await api("GET", "/api/clients/token");
  await api("POST", "/api/artifacts", { yaml: BENCH_ARTIFACT });
  const idleRss = rssOf(server.pid!).rss;
  log(`server up (pid ${server.pid}, ${Math.round(idleRss / 2 ** 20)} MiB RSS); starting ${COUNT} pooled agents at ${values.rate}/s (seed "${values.seed}", interrogation ${values.interrogate ? "on" : "off"})`);

  const t0 = performance.now();
  pool = startPool({ server: URL_BASE, token, count: COUNT, seed: values.seed, startRate: Number(values.rate), version: "bench", log: (level, message) => log(`pool ${level}: ${message}`) });
  const progress = setInterval(() => {
    const s = pool!.stats();
    log(`  ${Math.round((performance.now() - t0) / 1000)} s: started ${s.started}, welcomed ${s.welcomed}, online ${s.online}`);
  }, 5000);
  await pool.allWelcomed();
  clearInterval(progress);
  const enrolledMs = performance.now() - t0;
  const listed = await api("GET", "/api/clients?q=all&limit=1");
  log(`all ${COUNT} agents enrolled in ${(enrolledMs / 1000).toFixed(1)} s (server lists ${listed.total} clients; refused ${pool.stats().refused})`);

  const since = new Date(Date.now() - 1000).toISOString();
  const t1 = performance.now();
  const created = await api("POST", "/api/flows", { search: "all", artifacts: ["Custom.Bench.Rows"] });
  log(`collection started on ${created.count} clients in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  let last = "";
  const summary = await until(
    "every flow to finish",
    async () => {
      const s = await api("GET", `/api/flows/summary?since=${encodeURIComponent(since)}&creator=admin`);
      const done = (s.byState.FINISHED ?? 0) + (s.byState.ERROR ?? 0) + (s.byState.TIMEOUT ?? 0) + (s.byState.CANCELLED ?? 0);
      const line = `  ${Math.round((performance.now() - t1) / 1000)} s: ${JSON.stringify(s.byState)}, rows ${s.totalRows}`;
      if (line !== last && Math.round((performance.now() - t1) / 1000) % 5 === 0) log((last = line));
      return done >= created.count ? s : undefined;
    },
    600_000,
    250,
  );
  const flowsMs = performance.now() - t1;
  const hwm = rssOf(server.pid!).hwm;
  const expected = COUNT * 10;
  log("");
  log(`agents:                 ${COUNT}`);
  log(`time until all enrolled: ${(enrolledMs / 1000).toFixed(1)} s`);
  log(`time until all flows finished: ${(flowsMs / 1000).toFixed(1)} s (${JSON.stringify(summary.byState)})`);
  log(`rows stored vs expected: ${summary.totalRows} / ${expected} ${summary.totalRows === expected ? "(equal)" : "(NOT EQUAL)"}`);
  log(`server peak RSS:         ${Math.round(Math.max(hwm, peakRss) / 2 ** 20)} MiB (idle ${Math.round(idleRss / 2 ** 20)} MiB)`);
  log(`bench process RSS:       ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
  process.exitCode = summary.totalRows === expected ? 0 : 1;
} catch (err) {
  log(`bench failed: ${(err as Error).message}`);
  log(serverOut.split("\n").slice(-30).join("\n"));
  process.exitCode = 1;
} finally {
  clearInterval(sampler);
  await pool?.stop();
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });
}
