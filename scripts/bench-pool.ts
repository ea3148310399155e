// `npm run bench:pool [-- --count N --seed S --port P --rate R --interrogate [--interrogation-rate R]
//   --processes K --database-url URL]`: starts K `talon serve` processes (production build, fresh
// data dirs, no local client; K > 1 needs PostgreSQL: --database-url or TEST_DATABASE_URL, a fresh
// database is created next to it), connects N pooled agents from this process (given every
// server's URL, spread so each process holds its share), and prints: time until all are
// enrolled, with --interrogate the time until the last interrogation was recorded (every client's
// record filled from Generic.Client.Info), then one collection on all of them (10 rows each): time
// until all flows finished, rows stored vs expected, and each server's peak RSS.
// Interrogation is off unless --interrogate; it then runs at --interrogation-rate per second
// (default 500; the server's own default, TALON_INTERROGATIONS_PER_SECOND, is 100).
// Goals on a 2-core machine (issue "Journal and cluster"): 25,000 agents enrolled and interrogated
// in under 120 s on one process, under 90 s on two; peak RSS under 2 GiB; rows stored = expected.
import { parseArgs } from "node:util";
import { fitsOpenFiles, log, poolProcesses, requireBuild, signIn, startPools, startServers, until, type PoolHandle } from "./bench-support";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "10000" },
    seed: { type: "string", default: "bench" },
    port: { type: "string", default: "3700" },
    rate: { type: "string", default: "1000" },
    interrogate: { type: "boolean", default: false },
    "interrogation-rate": { type: "string", default: "500" },
    processes: { type: "string", default: "1" },
    "database-url": { type: "string" },
  },
});
const COUNT = Number(values.count);
const PROCESSES = Math.max(1, Number(values.processes));

const BENCH_ARTIFACT = `name: Custom.Bench.Rows
description: Ten process rows per endpoint (the pool benchmark's collection).
type: CLIENT
sources:
  - query: |
      SELECT Pid, Ppid, Name, Username, CommandLine, Exe FROM pslist() LIMIT 10
`;

const POOL_PROCESSES = poolProcesses(COUNT);
if (!fitsOpenFiles(COUNT, PROCESSES)) process.exit(2);

requireBuild();
const adminUrl = values["database-url"] ?? (PROCESSES > 1 ? process.env.TEST_DATABASE_URL : undefined);
if (PROCESSES > 1 && !adminUrl) {
  log("Several processes share one PostgreSQL: give --database-url (or set TEST_DATABASE_URL).");
  process.exit(2);
}

const bench = await startServers({ count: PROCESSES, port: Number(values.port), adminUrl, env: { TALON_INTERROGATIONS_PER_SECOND: values.interrogate ? values["interrogation-rate"]! : "0" } });
const { urls, servers, outputs } = bench;
const pg = bench.kind === "PostgreSQL";

let pool: PoolHandle | undefined;
try {
  const base = urls[0]!;
  const session = await signIn(base);
  const api = session.call;
  const { token } = await api("GET", "/api/clients/token");
  await api("POST", "/api/artifacts", { yaml: BENCH_ARTIFACT });
  const idle = servers.map((_s, i) => Math.round(bench.rss(i) / 2 ** 20));
  log(
    `${PROCESSES} server process${PROCESSES > 1 ? "es" : ""} up (${pg ? "PostgreSQL" : "PGlite"}; RSS ${idle.join(", ")} MiB); starting ${COUNT} pooled agents at ${values.rate}/s (seed "${values.seed}", interrogation ${values.interrogate ? `on at ${values["interrogation-rate"]}/s` : "off"})`,
  );

  const enrolSince = new Date(Date.now() - 1000).toISOString();
  const t0 = performance.now();
  pool = startPools({ servers: urls, token, count: COUNT, seed: values.seed, rate: Number(values.rate) });
  const progress = setInterval(() => {
    const s = pool!.stats();
    log(`  ${Math.round((performance.now() - t0) / 1000)} s: started ${s.started}, welcomed ${s.welcomed}, online ${s.online}`);
  }, 5000);
  await pool.allWelcomed();
  const enrolledMs = performance.now() - t0;
  const listed = await api("GET", "/api/clients?q=all&limit=1");
  log(`all ${COUNT} agents enrolled in ${(enrolledMs / 1000).toFixed(1)} s (server lists ${listed.total} clients; refused ${pool.stats().refused})`);
  let interrogatedMs: number | undefined;
  if (values.interrogate) {
    // The last interrogation is recorded when every interrogation flow finished and its row is in
    // the client record (checked at the end through the online search's hostnames).
    await until(
      "every interrogation",
      async () => {
        const s = await api("GET", `/api/flows/summary?since=${encodeURIComponent(enrolSince)}&creator=InterrogationService`);
        const done = s.byState.FINISHED ?? 0;
        if (Math.round((performance.now() - t0) / 1000) % 5 === 0) log(`  ${Math.round((performance.now() - t0) / 1000)} s: interrogations ${JSON.stringify(s.byState)}`);
        return done >= COUNT ? true : undefined;
      },
      900_000,
      500,
    );
    const filled = await until("every client record to be filled", async () => {
      const [row] = await session.query("LET filled <= SELECT client_id FROM clients() WHERE os_info.hostname SELECT len(list=filled) AS N FROM scope()");
      const n = Number(row?.N ?? 0);
      return n >= COUNT ? n : undefined;
    }, 120_000, 500);
    interrogatedMs = performance.now() - t0;
    log(`all ${filled} clients interrogated ${(interrogatedMs / 1000).toFixed(1)} s after the pool started`);
  }
  clearInterval(progress);

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
  const expected = COUNT * 10;
  log("");
  log(`agents:                  ${COUNT} over ${PROCESSES} process${PROCESSES > 1 ? "es" : ""} (${pg ? "PostgreSQL" : "PGlite"})`);
  log(`time until all enrolled: ${(enrolledMs / 1000).toFixed(1)} s`);
  if (interrogatedMs !== undefined) log(`time until all interrogated: ${(interrogatedMs / 1000).toFixed(1)} s (at ${values["interrogation-rate"]}/s)`);
  log(`time until all flows finished: ${(flowsMs / 1000).toFixed(1)} s (${JSON.stringify(summary.byState)})`);
  log(`rows stored vs expected: ${summary.totalRows} / ${expected} ${summary.totalRows === expected ? "(equal)" : "(NOT EQUAL)"}`);
  for (const i of servers.keys()) log(`server ${i + 1} peak RSS:     ${Math.round(bench.peakRss(i) / 2 ** 20)} MiB (idle ${idle[i]} MiB)`);
  log(`bench process RSS:       ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB${POOL_PROCESSES > 1 ? ` (and ${POOL_PROCESSES} pool processes)` : ""}`);
  process.exitCode = summary.totalRows === expected ? 0 : 1;
} catch (err) {
  log(`bench failed: ${(err as Error).message}`);
  for (const o of outputs) log(o.split("\n").slice(-30).join("\n"));
  process.exitCode = 1;
} finally {
  await pool?.stop();
  await bench.stop();
}
