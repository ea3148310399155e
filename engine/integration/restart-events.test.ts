// The server is killed (SIGKILL) while 200 pooled endpoints stream client events, and started
// again on the same database: the agents keep what was not acknowledged, reconnect, and go on;
// at the end every endpoint's rows are stored exactly once: for each endpoint, its sequence
// numbers 1..max with none missing and none twice.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openDatabase } from "../../drizzle";
import { eventSequenceStats } from "../../drizzle/testing";
import { startPool } from "../client/pool/pool";
import { freshPostgres } from "../../e2e/support/talon-process";
import { waitFor } from "./harness";
import { restartServerProcess, startServerProcess } from "./server-process";

const dir = mkdtempSync(join(tmpdir(), "talon-restart-events-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARTIFACT = "Custom.Restart.Ticks";
const YAML = `name: ${ARTIFACT}
type: CLIENT_EVENT
sources:
  - query: SELECT count() AS Seq FROM clock(ms=100)
`;

const targets: Array<"pglite" | "postgres"> = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

it.each(targets)("a server killed while 200 endpoints stream events (%s): no row lost or stored twice", async (kind) => {
  const dataDir = join(dir, `server-${kind}`);
  const pg = kind === "postgres" ? await freshPostgres(process.env.TEST_DATABASE_URL!) : undefined;
  let server = await startServerProcess({ dataDir, port: 0, databaseUrl: pg?.url, repository: true });
  const port = Number(new URL(server.url).port);
  const pool = startPool({ servers: [server.url], token: server.token, count: 200, seed: `restart-${kind}`, startRate: 1000, version: "test", log: () => {} });
  const stored = async () => Number(await fetch(`${server.url}/stored?artifact=${ARTIFACT}`).then((r) => r.text()));
  try {
    await pool.allWelcomed();
    await fetch(`${server.url}/monitor?artifact=${ARTIFACT}&yaml=${encodeURIComponent(Buffer.from(YAML).toString("base64"))}`).then((r) => r.text());
    await waitFor(async () => (await stored()) > 2000, "events to be stored", 30_000);
    server.child.kill("SIGKILL");
    await new Promise((r) => server.child.once("exit", r));
    await new Promise((r) => setTimeout(r, 1000));
    server = await restartServerProcess({ dataDir, port, databaseUrl: pg?.url, repository: true });
    await pool.allWelcomed();
    const after = await stored();
    await waitFor(async () => (await stored()) > after + 2000, "events to be stored after the restart", 30_000);
    await fetch(`${server.url}/unmonitor?artifact=${ARTIFACT}`).then((r) => r.text());
    // Settled: the agents stopped their queries and delivered what they held.
    let last = -1;
    await waitFor(async () => {
      const n = await stored();
      const same = n === last;
      last = n;
      return same;
    }, "the stored count to settle", 60_000);
  } finally {
    await pool.stop();
    server.child.kill("SIGTERM");
    await new Promise((r) => (server.child.exitCode !== null ? r(null) : server.child.once("exit", r)));
  }
  const db = await openDatabase(pg ? { url: pg.url } : { dataDir });
  try {
    const rows = await eventSequenceStats(db.db, ARTIFACT, "Seq");
    expect(rows).toHaveLength(200);
    const sum = (k: "max" | "distinct" | "total") => rows.reduce((a, x) => a + x[k], 0);
    // Sequence numbers start at 1 on each endpoint: max = rows the endpoint produced.
    expect(sum("distinct")).toBe(sum("max"));
    expect(sum("total")).toBe(sum("distinct"));
    expect(sum("total")).toBeGreaterThan(4000);
  } finally {
    await db.close();
    await pg?.drop();
  }
}, 180_000);
