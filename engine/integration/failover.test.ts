// Agent failover between two real servers of one deployment: two engines on one database (as
// several server processes share one PostgreSQL), each with its own HTTP/WebSocket port. An agent
// given both URLs reaches the second when the first is unreachable, and moves to the second when
// the first closes. Interrogation is off: these tests are about connections, and an agent that
// uploads nothing is only ever disconnected by what the test does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../drizzle";
import { testDatabaseTargets } from "../../drizzle/testing";
import { unusedUrl } from "../client/connection/testdata/fake-server";
import { permissionsOf } from "../server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { FIXTURE_ARTIFACTS, startTestAgent, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };

for (const target of testDatabaseTargets()) describe(`failover between two servers on one ${target.name} database`, () => {
  let database: Database;
  let s1: TestServer;
  let s2: TestServer;
  let s1Closed = false;
  let token: string;
  const agents: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    database = await target.open();
    // Each engine closes its database on close(); the test closes the shared one once, at the end.
    const shared: Database = { ...database, close: async () => {} };
    const opts = { database: shared, artifactSource: testArtifacts(FIXTURE_ARTIFACTS), agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 };
    s1 = await startTestServer(opts);
    s2 = await startTestServer(opts);
    token = await s1.engine.clients.ensureDeploymentToken();
  });
  afterAll(async () => {
    for (const a of agents) await a.stop();
    if (!s1Closed) await s1?.close();
    await s2?.close();
    await database?.close();
  });

  it("with the first URL unreachable from the start, the agent enrols through the second", async () => {
    const a = startTestAgent({ urls: [await unusedUrl(), s2.url], token });
    agents.push(a);
    await waitFor(() => s2.engine.agents.isLocal(a.clientId) && a.connection.currentServer === s2.url, "the agent to reach the second server");
    // Enrolled through the second server, known to the first: they share the database.
    await expect(s1.engine.clients.get(admin, a.clientId)).resolves.toMatchObject({ clientId: a.clientId });
  });

  it("connects to the first URL; when that server closes the second welcomes it within a few seconds", async () => {
    const a = startTestAgent({ urls: [s1.url, s2.url], token });
    agents.push(a);
    await waitFor(() => s1.engine.agents.isLocal(a.clientId) && a.connection.currentServer === s1.url, "the agent to connect to the first server");
    expect(s2.engine.agents.isLocal(a.clientId)).toBe(false);

    const t0 = Date.now();
    await s1.close();
    s1Closed = true;
    await waitFor(() => s2.engine.agents.isLocal(a.clientId) && a.connection.currentServer === s2.url, "the second server to welcome the agent", 5000);
    expect(Date.now() - t0).toBeLessThan(5000);
    await expect(s2.engine.clients.get(admin, a.clientId)).resolves.toMatchObject({ clientId: a.clientId, online: true });
  });
});
