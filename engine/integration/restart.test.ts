// The server is killed (SIGKILL) in the middle of a collection and started again: the agent
// keeps its rows in its on-disk outbox, reconnects, and the flow completes with every row stored
// exactly once and one completion event.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openDatabase, queries } from "../../drizzle";
import { FileOutbox } from "../client/connection/file-outbox";
import { newIdentity } from "../client/identity";
import { freshPostgres } from "../../e2e/support/talon-process";
import { startTestAgent, waitFor } from "./harness";
import { restartServerProcess, startServerProcess } from "./server-process";

const dir = mkdtempSync(join(tmpdir(), "talon-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const targets: Array<"pglite" | "postgres"> = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

it.each(targets)("a server killed mid-collection and restarted (%s): the flow completes with every row exactly once", async (kind) => {
  const dataDir = join(dir, `server-${kind}`);
  const pg = kind === "postgres" ? await freshPostgres(process.env.TEST_DATABASE_URL!) : undefined;
  // The OS picks a free port; the restarted server must come back on the same one (the agent
  // knows only that address), so retry briefly should it still be held.
  let server = await startServerProcess({ dataDir, port: 0, databaseUrl: pg?.url });
  const port = Number(new URL(server.url).port);
  const identity = newIdentity();
  const outbox = new FileOutbox(join(dir, `agent-outbox-${kind}`));
  const agent = startTestAgent({ url: server.url, token: server.token, identity, outbox });
  const total = 20_000;
  try {
    // The server runs in its own process (PGlite has one opener): start the flow through its test hook.
    const flowId = await waitFor(async () => {
      const text = await fetch(`${server.url}/collect?client=${identity.clientId}&count=${total}`).then((r) => r.text());
      return text.startsWith("F.") ? text : undefined;
    }, "the agent to enrol and the flow to start");
    // Let some rows reach the server, then kill it without warning.
    await waitFor(() => outbox.ackedSeq > 5, "some rows acknowledged", 20_000);
    expect(agent.executor.running()).toEqual([flowId]);
    server.child.kill("SIGKILL");
    await new Promise((r) => server.child.once("exit", r));
    // While the server is away the agent keeps collecting into its outbox.
    const before = outbox.lastSeq;
    await new Promise((r) => setTimeout(r, 500));
    expect(outbox.lastSeq).toBeGreaterThan(before);
    server = await restartServerProcess({ dataDir, port, databaseUrl: pg?.url });
    await waitFor(async () => (await fetch(`${server.url}/flow?client=${identity.clientId}&flow=${flowId}`).then((r) => r.text())) === "FINISHED", "the flow to finish after the restart", 60_000);
    await agent.stop();
    server.child.kill("SIGTERM");
    await new Promise((r) => server.child.once("exit", r));

    const db = await openDatabase(pg ? { url: pg.url } : { dataDir });
    try {
      const rows = await queries.readFlowResults(db.db, { flowId, artifact: "Test.Slow", offset: 0, limit: total + 100 });
      expect(rows).toHaveLength(total);
      expect(new Set(rows.map((r) => r.N)).size).toBe(total);
      expect(rows.map((r) => r.N)).toEqual(Array.from({ length: total }, (_, i) => i));
      const events = await queries.listEventHistory(db.db, { queue: "System.Flow.Completion", limit: 100 });
      expect(events.filter((e) => e.payload.FlowId === flowId)).toHaveLength(1);
      const flow = await queries.getFlow(db.db, identity.clientId, flowId);
      expect(flow).toMatchObject({ state: "FINISHED", totalRows: total });
    } finally {
      await db.close();
    }
  } finally {
    await agent.stop().catch(() => {});
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
    await pg?.drop();
  }
}, 120_000);
