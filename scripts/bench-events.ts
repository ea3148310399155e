// `npm run bench:events [-- --count 1000 --rate 10 --seconds 60 --port P --database-url URL]`:
// one `talon serve` (production build; PGlite, or PostgreSQL with --database-url or
// TEST_DATABASE_URL), N pooled endpoints each running a CLIENT_EVENT artifact that emits `rate`
// rows a second (clock(), with a per-endpoint sequence number and the agent's send time), and a
// SERVER_EVENT artifact in the server event table that watches them with watch_monitoring().
// After `seconds` the client artifact is removed from the table (the agents stop and deliver
// what they hold) and the bench prints: rows stored per second, journal lag from the agent's
// event time to the watching query (p50/p99), rows lost and duplicated (each endpoint's highest
// sequence number against the distinct rows stored), and the server's RSS.
// Goal (issue "Event monitoring"): 10,000 events/s sustained on PostgreSQL and 5,000 on PGlite
// on 2 cores, p99 lag under 1 s, nothing lost.
import { parseArgs } from "node:util";
import { startPool } from "../engine/client/pool/pool";
import { log, requireBuild, signIn, startServers, until } from "./bench-support";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "1000" },
    rate: { type: "string", default: "10" },
    seconds: { type: "string", default: "60" },
    seed: { type: "string", default: "bench-events" },
    port: { type: "string", default: "3720" },
    "database-url": { type: "string" },
  },
});
const COUNT = Number(values.count);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);

const CLIENT_ARTIFACT = `name: Custom.Bench.Events
description: The events benchmark's endpoint stream (a sequence number and the send time).
type: CLIENT_EVENT
parameters:
  - name: PeriodMs
    type: int
    default: "${Math.max(1, Math.round(1000 / RATE))}"
sources:
  - query: |
      SELECT count() AS Seq, UnixNano / 1000000 AS SentMs FROM clock(ms=PeriodMs)
`;
const SERVER_ARTIFACT = `name: Custom.Bench.Watch
description: The events benchmark's watcher.
type: SERVER_EVENT
sources:
  - query: |
      SELECT ClientId, Seq, SentMs FROM watch_monitoring(artifact='Custom.Bench.Events')
`;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

requireBuild();
const adminUrl = values["database-url"] ?? process.env.TEST_DATABASE_URL;
const s = await startServers({ count: 1, port: Number(values.port), adminUrl, env: { TALON_INTERROGATIONS_PER_SECOND: "0" } });
let pool: ReturnType<typeof startPool> | undefined;
try {
  const base = s.urls[0]!;
  const api = await signIn(base);
  const { token } = await api.call("GET", "/api/clients/token");
  await api.call("POST", "/api/artifacts", { yaml: CLIENT_ARTIFACT });
  await api.call("POST", "/api/artifacts", { yaml: SERVER_ARTIFACT });
  await api.call("POST", "/api/monitoring/server/artifacts", { artifact: "Custom.Bench.Watch", parameters: {} });
  await until("the watcher to run", async () => ((await api.call("GET", "/api/monitoring/server")).status.find((x: { name: string; state: string }) => x.name === "Custom.Bench.Watch" && x.state === "running") ? true : undefined), 30_000);
  const idleRss = Math.round(s.rss(0) / 2 ** 20);
  log(`server up (${s.kind}; RSS ${idleRss} MiB); ${COUNT} pooled endpoints, ${RATE} events/s each (${COUNT * RATE}/s offered) for ${SECONDS} s`);

  pool = startPool({ servers: s.urls, token, count: COUNT, seed: values.seed, startRate: 1000, version: "bench", log: (level, message) => log(`pool ${level}: ${message}`) });
  await pool.allWelcomed();
  await api.call("POST", "/api/monitoring/client/artifacts", { artifact: "Custom.Bench.Events", parameters: {} });
  const watchedRows = async () => Number((await api.call("GET", "/api/monitoring/server")).status.find((x: { name: string }) => x.name === "Custom.Bench.Watch")?.rows ?? 0);
  const t0 = performance.now();
  const r0 = await watchedRows();
  const samples: Array<{ t: number; rows: number }> = [];
  while (performance.now() - t0 < SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 5000));
    const rows = await watchedRows();
    const t = (performance.now() - t0) / 1000;
    const prev = samples.at(-1) ?? { t: 0, rows: r0 };
    samples.push({ t, rows });
    log(`  ${Math.round(t)} s: ${rows} rows watched (${Math.round((rows - prev.rows) / (t - prev.t))}/s), server RSS ${Math.round(s.rss(0) / 2 ** 20)} MiB`);
  }
  const windowRows = samples.at(-1)!.rows - r0;
  const windowSec = samples.at(-1)!.t;
  // Stop the stream; the agents deliver what they still hold.
  await api.call("DELETE", "/api/monitoring/client/artifacts?artifact=Custom.Bench.Events");
  let last = -1;
  await until("the watcher to settle", async () => {
    const n = await watchedRows();
    if (n === last) return true;
    last = n;
    return undefined;
  }, 120_000, 3000);

  const watched = await api.query("SELECT ClientId, Seq, SentMs, _ts FROM monitoring(artifact='Custom.Bench.Watch')");
  const [stored] = await api.query("SELECT count() AS N FROM monitoring(artifact='Custom.Bench.Events') GROUP BY 1");
  const perClient = new Map<string, { max: number; seen: Set<number> }>();
  const lags: number[] = [];
  let duplicates = 0;
  for (const w of watched) {
    const c = String(w.ClientId);
    let e = perClient.get(c);
    if (!e) perClient.set(c, (e = { max: 0, seen: new Set() }));
    const seq = Number(w.Seq);
    if (e.seen.has(seq)) duplicates++;
    e.seen.add(seq);
    e.max = Math.max(e.max, seq);
    lags.push(Number(w._ts) * 1000 - Number(w.SentMs));
  }
  lags.sort((a, b) => a - b);
  let sent = 0;
  let distinct = 0;
  for (const e of perClient.values()) {
    sent += e.max;
    distinct += e.seen.size;
  }
  const lost = sent - distinct;
  log("");
  log(`endpoints:               ${COUNT} (${perClient.size} sent events) on ${s.kind}`);
  log(`offered:                 ${COUNT * RATE} events/s`);
  log(`stored and watched:      ${Math.round(windowRows / windowSec)} rows/s over ${Math.round(windowSec)} s`);
  log(`journal lag (agent event time → watching query): p50 ${Math.round(percentile(lags, 50))} ms, p99 ${Math.round(percentile(lags, 99))} ms`);
  log(`rows sent / stored / watched: ${sent} / ${Number(stored?.N ?? 0)} / ${watched.length}`);
  log(`rows lost: ${lost}, duplicated: ${duplicates}`);
  if (process.env.BENCH_SHOW_SERVER_LOG) log(s.outputs[0]!.split("\n").filter((l) => !l.includes("agent enrolled")).slice(0, 200).join("\n"));
  log(`server peak RSS:         ${Math.round(s.peakRss(0) / 2 ** 20)} MiB (idle ${idleRss} MiB)`);
  process.exitCode = lost === 0 && duplicates === 0 ? 0 : 1;
} catch (err) {
  log(`bench failed: ${(err as Error).message}`);
  log(s.outputs[0]!.split("\n").slice(-30).join("\n"));
  process.exitCode = 1;
} finally {
  await pool?.stop();
  await s.stop();
}
