// `npm run bench:alerts [-- --count 1000 --rate 200 --seconds 60 --port P --database-url URL]`:
// one `talon serve` (production build; PGlite, or PostgreSQL with --database-url or
// TEST_DATABASE_URL), N pooled endpoints each raising alert() from a CLIENT_EVENT artifact
// (`rate` alerts a second in all, each with a per-endpoint sequence number and the agent's
// time), and Server.Alerts.Webhook in the server event table posting every alert to a local
// receiver. After `seconds` the client artifact is removed (the agents stop and deliver what
// they hold) and the bench prints: alerts stored (Server.Internal.Alerts) and delivered (distinct
// at the receiver), latency from the agent's alert to the webhook request (p50/p99), alerts lost
// (raised but never delivered) and delivered twice, and the server's RSS.
// Goal (issue "Alerts"): 1,000 endpoints at 200 alerts/s for 60 s, p99 under 1 s, 0 lost.
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { startPool } from "../engine/client/pool/pool";
import { log, requireBuild, signIn, startServers, until } from "./bench-support";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "1000" },
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "60" },
    seed: { type: "string", default: "bench-alerts" },
    port: { type: "string", default: "3740" },
    "database-url": { type: "string" },
  },
});
const COUNT = Number(values.count);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
/** Each endpoint raises one alert every PERIOD ms, so that all of them raise RATE a second. */
const PERIOD = Math.max(1, Math.round((1000 * COUNT) / RATE));

const CLIENT_ARTIFACT = `name: Custom.Bench.Alerts
description: The alerts benchmark's endpoint detections (a sequence number and the agent's time).
type: CLIENT_EVENT
parameters:
  - name: PeriodMs
    type: int
    default: "${PERIOD}"
sources:
  - query: |
      SELECT alert(name='Bench.Detection', dedup=-1, severity='high', Seq=count(), SentMs=UnixNano / 1000000) AS Raised
      FROM clock(ms=PeriodMs)
`;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

requireBuild();

// The webhook receiver: what arrived, when.
const received = new Map<string, { at: number; sentMs: number; times: number }>();
let requests = 0;
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const at = Date.now();
    requests++;
    try {
      const a = JSON.parse(body) as { client_id: string; event_data: { Seq: number; SentMs: number } };
      const key = `${a.client_id} ${a.event_data.Seq}`;
      const seen = received.get(key);
      if (seen) seen.times++;
      else received.set(key, { at, sentMs: Number(a.event_data.SentMs), times: 1 });
    } catch {
      // A summary or another message: not counted.
    }
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

const adminUrl = values["database-url"] ?? process.env.TEST_DATABASE_URL;
const s = await startServers({ count: 1, port: Number(values.port), adminUrl, env: { TALON_INTERROGATIONS_PER_SECOND: "0", TALON_HTTP_CLIENT_ALLOW: "127.0.0.1" } });
let pool: ReturnType<typeof startPool> | undefined;
try {
  const base = s.urls[0]!;
  const api = await signIn(base);
  const { token } = await api.call("GET", "/api/clients/token");
  await api.call("POST", "/api/artifacts", { yaml: CLIENT_ARTIFACT });
  await api.call("POST", "/api/monitoring/server/artifacts", { artifact: "Server.Alerts.Webhook", parameters: { WebhookURL: hook, MaxPerMinute: "0" } });
  await until("the forwarder to run", async () => ((await api.call("GET", "/api/monitoring/server")).status.find((x: { name: string; state: string }) => x.name === "Server.Alerts.Webhook" && x.state === "running") ? true : undefined), 30_000);
  const idleRss = Math.round(s.rss(0) / 2 ** 20);
  log(`server up (${s.kind}; RSS ${idleRss} MiB); ${COUNT} pooled endpoints raising an alert every ${PERIOD} ms each (${RATE}/s in all) for ${SECONDS} s`);

  pool = startPool({ servers: s.urls, token, count: COUNT, seed: values.seed, startRate: 1000, version: "bench", log: (level, message) => log(`pool ${level}: ${message}`) });
  await pool.allWelcomed();
  await api.call("POST", "/api/monitoring/client/artifacts", { artifact: "Custom.Bench.Alerts", parameters: {} });
  const t0 = performance.now();
  let prev = { t: 0, n: 0 };
  while (performance.now() - t0 < SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 5000));
    const t = (performance.now() - t0) / 1000;
    const n = received.size;
    log(`  ${Math.round(t)} s: ${n} alerts delivered (${Math.round((n - prev.n) / (t - prev.t))}/s), server RSS ${Math.round(s.rss(0) / 2 ** 20)} MiB`);
    prev = { t, n };
  }
  const deliveredInWindow = received.size;
  const windowSec = (performance.now() - t0) / 1000;
  // Stop raising; the agents deliver what they still hold and the forwarder catches up.
  await api.call("DELETE", "/api/monitoring/client/artifacts?artifact=Custom.Bench.Alerts");
  let last = -1;
  await until("deliveries to settle", async () => {
    const n = received.size;
    if (n === last) return true;
    last = n;
    return undefined;
  }, 120_000, 3000);

  const [stored] = await api.query("SELECT count() AS N FROM source(artifact='Server.Internal.Alerts') WHERE name = 'Bench.Detection' GROUP BY 1");
  const raised = await api.query("SELECT client_id, max(item=event_data.Seq) AS Max FROM source(artifact='Server.Internal.Alerts') WHERE name = 'Bench.Detection' GROUP BY client_id");
  const sent = raised.reduce((a, r) => a + Number(r.Max), 0);
  // Where the time goes: agent → stored in the journal, and stored → webhook request.
  const storedAt = new Map<string, number>();
  for (const r of await api.query("SELECT client_id, event_data.Seq AS Seq, _ts FROM source(artifact='Server.Internal.Alerts') WHERE name = 'Bench.Detection'")) {
    storedAt.set(`${r.client_id} ${r.Seq}`, Number(r._ts) * 1000);
  }
  const toStore: number[] = [];
  const toHook: number[] = [];
  for (const [k, r] of received) {
    const at = storedAt.get(k);
    if (at === undefined) continue;
    toStore.push(at - r.sentMs);
    toHook.push(r.at - at);
  }
  toStore.sort((a, b) => a - b);
  toHook.sort((a, b) => a - b);
  const lags = [...received.values()].map((r) => r.at - r.sentMs).sort((a, b) => a - b);
  const twice = [...received.values()].filter((r) => r.times > 1).length;
  const lost = sent - received.size;
  log("");
  log(`endpoints:               ${COUNT} (${raised.length} raised alerts) on ${s.kind}`);
  log(`offered:                 ${RATE} alerts/s`);
  log(`delivered:               ${Math.round(deliveredInWindow / windowSec)} alerts/s over ${Math.round(windowSec)} s`);
  log(`alerts raised / stored / delivered: ${sent} / ${Number(stored?.N ?? 0)} / ${received.size} (${requests} webhook requests)`);
  log(`latency (agent's alert → webhook request): p50 ${Math.round(percentile(lags, 50))} ms, p99 ${Math.round(percentile(lags, 99))} ms`);
  log(`  of which agent → stored: p50 ${Math.round(percentile(toStore, 50))} ms, p99 ${Math.round(percentile(toStore, 99))} ms; stored → webhook: p50 ${Math.round(percentile(toHook, 50))} ms, p99 ${Math.round(percentile(toHook, 99))} ms`);
  log(`alerts lost: ${lost}, delivered twice: ${twice}`);
  if (process.env.BENCH_SHOW_SERVER_LOG) log(s.outputs[0]!.split("\n").filter((l) => !l.includes("agent enrolled")).slice(0, 200).join("\n"));
  log(`server peak RSS:         ${Math.round(s.peakRss(0) / 2 ** 20)} MiB (idle ${idleRss} MiB)`);
  process.exitCode = lost === 0 ? 0 : 1;
} catch (err) {
  log(`bench failed: ${(err as Error).message}`);
  log(s.outputs[0]!.split("\n").slice(-30).join("\n"));
  process.exitCode = 1;
} finally {
  await pool?.stop();
  await s.stop();
  receiver.close();
}
