// The server is killed (SIGKILL) in the middle of a hunt over several agents and started again
// on the same data (PGlite directory, or PostgreSQL): every client ran exactly one hunt flow,
// every row of every client is stored once, the hunt's counts equal what the stored rows say,
// and the hunt finishes. The hunt is throttled so the kill lands with clients in every queue
// (pending, running, finished); the agents keep their rows in on-disk outboxes meanwhile.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openDatabase, queries } from "../../drizzle";
import { FileOutbox } from "../client/connection/file-outbox";
import { newIdentity } from "../client/identity";
import type { HuntSummary } from "@/engine/server/contracts";
import { freshPostgres } from "../../e2e/support/talon-process";
import { startTestAgent, waitFor } from "./harness";
import { restartServerProcess, startServerProcess, type ServerProcess } from "./server-process";

const dir = mkdtempSync(join(tmpdir(), "talon-restart-hunt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const targets: Array<"pglite" | "postgres"> = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
const AGENTS = 6;
const ROWS = 400;
const env = { TALON_HUNT_TICK_MS: "100" };

const stats = async (server: ServerProcess, huntId: string) => JSON.parse(await fetch(`${server.url}/hunt-stats?hunt=${huntId}`).then((r) => r.text())) as HuntSummary;

it.each(targets)("a server killed mid-hunt and restarted (%s): one flow per client, no row lost, exact counts, the hunt finishes", async (kind) => {
  const dataDir = join(dir, `server-${kind}`);
  const pg = kind === "postgres" ? await freshPostgres(process.env.TEST_DATABASE_URL!) : undefined;
  let server = await startServerProcess({ dataDir, port: 0, databaseUrl: pg?.url, env });
  const port = Number(new URL(server.url).port);
  const identities = Array.from({ length: AGENTS }, () => newIdentity());
  const agents = identities.map((identity, i) => startTestAgent({ url: server.url, token: server.token, identity, outbox: new FileOutbox(join(dir, `outbox-${kind}-${i}`)), hostname: `hunt-host-${i}` }));
  try {
    // Every agent enrolled (the hunt's start scan then sees them all; later ones would join at enrolment anyway).
    await waitFor(async () => (await fetch(`${server.url}/online`).then((r) => r.text())) === String(AGENTS), "the agents to connect", 30_000);
    // 120 a minute: two clients a second, each collecting ROWS rows 5 ms apart (about 2 s).
    const huntId = await fetch(`${server.url}/hunt?count=${ROWS}&rate=120&limit=${AGENTS}`).then((r) => r.text());
    expect(huntId).toMatch(/^H\./);
    const before = await waitFor(async () => {
      const h = await stats(server, huntId);
      return h.stats.totalClientsScheduled === AGENTS && h.stats.running > 0 && h.stats.totalFinishedClients < AGENTS ? h : undefined;
    }, "the hunt under way", 30_000);
    expect(before.stats.totalFinishedClients).toBeLessThan(AGENTS);
    server.child.kill("SIGKILL");
    await new Promise((r) => server.child.once("exit", r));
    await new Promise((r) => setTimeout(r, 300));
    server = await restartServerProcess({ dataDir, port, databaseUrl: pg?.url, env });
    const done = await waitFor(async () => {
      const h = await stats(server, huntId);
      return h.stats.totalFinishedClients === AGENTS ? h : undefined;
    }, "every client finished after the restart", 90_000);
    expect(done.stats).toMatchObject({ totalClientsScheduled: AGENTS, pending: 0, running: 0, totalClientsWithResults: AGENTS, totalClientsWithErrors: 0, totalCollectedRows: AGENTS * ROWS });
    await Promise.all(agents.map((a) => a.stop()));
    server.child.kill("SIGTERM");
    await new Promise((r) => server.child.once("exit", r));

    const db = await openDatabase(pg ? { url: pg.url } : { dataDir });
    try {
      const members = await queries.listHuntClients(db.db, { huntId, offset: 0, limit: 100 });
      expect(members.map((m) => m.clientId).sort()).toEqual(identities.map((i) => i.clientId).sort());
      for (const m of members) {
        // Exactly one hunt flow on the client, the one the hunt records.
        const flows = (await queries.listFlows(db.db, { clientId: m.clientId, offset: 0, limit: 100 })).rows.filter((f) => f.flowId.endsWith(".H"));
        expect(flows.map((f) => f.flowId)).toEqual([m.flowId]);
        expect(flows[0]).toMatchObject({ state: "FINISHED" });
        const rows = await queries.readFlowResults(db.db, { flowId: m.flowId!, artifact: "Test.Slow", offset: 0, limit: ROWS + 100 });
        expect(rows.map((r) => r.N)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
        expect(Number(m.totalRows)).toBe(ROWS);
      }
      // One completion per hunt flow, one participation per client.
      const completions = await queries.listEventHistory(db.db, { queue: "System.Flow.Completion", limit: 1000 });
      for (const m of members) expect(completions.filter((e) => e.payload.FlowId === m.flowId)).toHaveLength(1);
      const participation = (await queries.listEventHistory(db.db, { queue: "System.Hunt.Participation", limit: 1000 })).filter((e) => e.payload.HuntId === huntId);
      expect(participation.map((e) => e.payload.ClientId).sort()).toEqual(identities.map((i) => i.clientId).sort());
      const counts = (await queries.huntCounts(db.db, [huntId])).get(huntId)!;
      expect(counts).toMatchObject({ scheduled: AGENTS, withResults: AGENTS, errors: 0, totalRows: AGENTS * ROWS });
    } finally {
      await db.close();
    }
  } finally {
    await Promise.all(agents.map((a) => a.stop().catch(() => {})));
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
    await pg?.drop();
  }
}, 180_000);
