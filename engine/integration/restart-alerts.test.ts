// Alerts raised on endpoints while the server is down arrive after it is back, exactly once:
// 20 pooled endpoints raise an alert every 250 ms from a client event query (each with its own
// sequence number); the server is SIGKILLed and restarted on the same database a second later;
// at the end each endpoint's alerts in Server.Internal.Alerts carry 1..max with none missing
// and none twice, and the inbox counted every one of them once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openDatabase } from "../../drizzle";
import { alertSequenceStats, inboxEntries } from "../../drizzle/testing";
import { startPool } from "../client/pool/pool";
import { freshPostgres } from "../../e2e/support/talon-process";
import { waitFor } from "./harness";
import { restartServerProcess, startServerProcess } from "./server-process";

const dir = mkdtempSync(join(tmpdir(), "talon-restart-alerts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARTIFACT = "Custom.Restart.Alerts";
const YAML = `name: ${ARTIFACT}
type: CLIENT_EVENT
sources:
  - query: SELECT alert(name='Tick', dedup=-1, Seq=count()) AS Raised FROM clock(ms=250)
`;
const ENDPOINTS = 20;

const targets: Array<"pglite" | "postgres"> = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

it.each(targets)("alerts raised while the server is down (%s) arrive after the restart, each exactly once", async (kind) => {
  const dataDir = join(dir, `server-${kind}`);
  const pg = kind === "postgres" ? await freshPostgres(process.env.TEST_DATABASE_URL!) : undefined;
  let server = await startServerProcess({ dataDir, port: 0, databaseUrl: pg?.url, repository: true });
  const port = Number(new URL(server.url).port);
  const pool = startPool({ servers: [server.url], token: server.token, count: ENDPOINTS, seed: `alerts-${kind}`, startRate: 1000, version: "test", log: () => {} });
  let downAt = 0;
  let upAt = 0;
  const stored = async () => Number(await fetch(`${server.url}/stored?artifact=Server.Internal.Alerts`).then((r) => r.text()));
  try {
    await pool.allWelcomed();
    await fetch(`${server.url}/monitor?artifact=${ARTIFACT}&yaml=${encodeURIComponent(Buffer.from(YAML).toString("base64"))}`).then((r) => r.text());
    const raising = async (since = 0) => Number(await fetch(`${server.url}/stored?artifact=Server.Internal.Alerts&by=client_id&since=${since}`).then((r) => r.text()));
    await waitFor(async () => (await raising()) === ENDPOINTS && (await stored()) > ENDPOINTS * 4, "every endpoint's alerts to be stored", 30_000);
    server.child.kill("SIGKILL");
    await new Promise((r) => server.child.once("exit", r));
    downAt = Date.now();
    // Meanwhile every endpoint raises about four alerts the server cannot take.
    await new Promise((r) => setTimeout(r, 1000));
    upAt = Date.now();
    server = await restartServerProcess({ dataDir, port, databaseUrl: pg?.url, repository: true });
    await pool.allWelcomed();
    // Every endpoint is back (its backoff may be a few seconds) and delivered alerts raised after
    // the restart: its outbox sends in order, so what it raised during the outage came first.
    await waitFor(async () => (await raising(upAt)) === ENDPOINTS, "every endpoint's alerts after the restart", 60_000);
    await fetch(`${server.url}/unmonitor?artifact=${ARTIFACT}`).then((r) => r.text());
    let last = -1;
    await waitFor(async () => {
      const n = await stored();
      const same = n === last;
      last = n;
      return same;
    }, "the stored count to settle", 60_000);
    // The inbox consumer (batches of 200, woken by each append) catches up with the queue.
    await new Promise((r) => setTimeout(r, 1500));
    if (process.env.SHOW_SERVER_LOG) console.log((await fetch(`${server.url}/logs`).then((r) => r.text())).split("\n").filter((l) => !l.includes("enrolled")).join("\n"));
  } finally {
    await pool.stop();
    server.child.kill("SIGTERM");
    await new Promise((r) => (server.child.exitCode !== null ? r(null) : server.child.once("exit", r)));
  }
  const db = await openDatabase(pg ? { url: pg.url } : { dataDir });
  try {
    const perClient = await alertSequenceStats(db.db, "Seq", { from: new Date(downAt), to: new Date(upAt) });
    expect(perClient).toHaveLength(ENDPOINTS);
    const sum = (k: "max" | "distinct" | "total") => perClient.reduce((a, x) => a + x[k], 0);
    expect(sum("distinct")).toBe(sum("max"));
    expect(sum("total")).toBe(sum("distinct"));
    // Every endpoint raised alerts while the server was down (its own clock: same machine).
    expect(perClient.map((x) => x.during).sort((p, q) => p - q)[0], JSON.stringify({ downAt, upAt, perClient })).toBeGreaterThanOrEqual(2);
    // The inbox: one entry per endpoint (name Tick, artifact, client), its count = its raises.
    const inbox = await inboxEntries(db.db, "Tick");
    expect(inbox).toHaveLength(ENDPOINTS);
    const byClient = new Map(perClient.map((x) => [x.clientId, x.total]));
    for (const e of inbox) {
      expect(e.artifactType).toBe("CLIENT_EVENT");
      expect(e.count).toBe(byClient.get(e.clientId));
    }
  } finally {
    await db.close();
    await pg?.drop();
  }
}, 180_000);
