// The developer builtins end to end: a local agent (its queries in worker threads) over a real
// WebSocket answers profile() from its own log and query log and rekey()s itself (a new
// identity in its state dir, reconnecting as a new client after `wait`); the server answers
// profile(), logging() from its logger's ring (secrets redacted) and the queries it runs.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "../client/agent";
import { createLocalAgent } from "../client/local";
import { permissionsOf } from "../server/auth/roles";
import type { ArtifactDefinition, Principal } from "@/engine/server/contracts";
import { toJsonValue } from "@/engine/vql";
import { quietAgentLog, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

const FIXTURES: ArtifactDefinition[] = [
  // Generic.Client.Rekey's query (the repository gives typed parameters their type; a test's own list does not: int()).
  { name: "Generic.Client.Rekey", type: "CLIENT", parameters: [{ name: "Wait", type: "int", default: "10" }], sources: [{ query: "SELECT rekey(wait=int(int=Wait)) FROM scope()" }] },
  // Generic.Client.Profile's Logs and RunningQueries sources.
  {
    name: "Test.Profile",
    type: "CLIENT",
    parameters: [],
    sources: [
      { name: "Logs", query: "SELECT * FROM profile(logs=TRUE)" },
      { name: "RunningQueries", query: "SELECT Line.Start AS Timestamp, Line.Query AS Query FROM profile(queries=TRUE) WHERE NOT Line.Duration" },
    ],
  },
];

const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };

describe("developer builtins on a real agent and server", () => {
  let s: TestServer;
  let agent: Agent;
  const logs: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "talon-developer-"));
  const stateDir = join(dir, "state");

  beforeAll(async () => {
    s = await startTestServer({ artifactSource: testArtifacts(FIXTURES), dataDir: undefined, memory: true, agentHeartbeatMs: 60_000 });
    const token = await s.engine.clients.ensureDeploymentToken();
    agent = createLocalAgent({ server: s.url, token, stateDir, version: "test", log: quietAgentLog(logs), isolation: { workers: 1, eventWorkers: 0, heapMb: 256, graceMs: 500, retireHeapMb: 256 } });
    await (agent as { queryWorkers?: { warmed(): Promise<void> } }).queryWorkers?.warmed();
    void agent.run();
    await waitFor(() => s.engine.agents.isLocal(agent.clientId), "connect");
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function finished(clientId: string, flowId: string) {
    return waitFor(async () => {
      const f = await s.engine.flows.get(admin, clientId, flowId);
      return ["FINISHED", "ERROR", "TIMEOUT", "CANCELLED"].includes(f.state) ? f : undefined;
    }, `flow ${flowId}`, 30_000);
  }

  it("profile() in a query worker reads the agent's log ring and sees its own query running", async () => {
    const f = await s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Test.Profile"] });
    expect((await finished(agent.clientId, f.flowId)).state).toBe("FINISHED");
    const lines = (await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: f.flowId, artifact: "Test.Profile/Logs" })).rows;
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((r) => r.Type === "logs" && r.Profile === "logs")).toBe(true);
    const running = (await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: f.flowId, artifact: "Test.Profile/RunningQueries" })).rows;
    expect(running.map((r) => r.Query)).toContain(FIXTURES[1]!.sources[1]!.query);
  });

  it("the server's profile(), logging() and the queries it runs", async () => {
    s.engine.log.info("developer test line", { token: "hunter2", n: 1 });
    const run = async (vql: string) => {
      const rows: Record<string, unknown>[] = [];
      for await (const e of s.engine.queries.run(vql, { principal: admin })) if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
      return rows;
    };
    const logged = await run("SELECT Msg FROM logging(prelog=TRUE) WHERE Msg =~ 'developer test line' LIMIT 1");
    expect(logged).toEqual([{ Msg: "developer test line token=[redacted] n=1" }]);
    const queries = await run("SELECT Line.Query AS Query FROM profile(queries=TRUE) WHERE NOT Line.Duration");
    expect(queries.map((q) => q.Query)).toContain("SELECT Line.Query AS Query FROM profile(queries=TRUE) WHERE NOT Line.Duration");
    const metrics = await run("SELECT name FROM profile(metrics=TRUE) WHERE name = 'process_resident_memory_bytes'");
    expect(metrics).toEqual([{ name: "process_resident_memory_bytes" }]);
  });

  it("Generic.Client.Rekey: a new identity stored in the state dir, and after `wait` the server sees a new client", async () => {
    const oldId = agent.clientId;
    const f = await s.engine.flows.collect(admin, { clientId: oldId, artifacts: ["Generic.Client.Rekey"], parameters: { Wait: "1" } });
    const done = await finished(oldId, f.flowId);
    expect(done.state).toBe("FINISHED");
    const [row] = (await s.engine.flows.results(admin, { clientId: oldId, flowId: f.flowId, artifact: "Generic.Client.Rekey" })).rows;
    const newId = Object.values(row!)[0] as string;
    expect(newId).toMatch(/^C\.[0-9a-f]{16}$/);
    expect(newId).not.toBe(oldId);
    expect(JSON.parse(readFileSync(join(stateDir, "identity.json"), "utf8")).clientId).toBe(newId);
    await waitFor(() => s.engine.agents.isLocal(newId), "the agent to reconnect as its new client id", 20_000);
    expect(agent.clientId).toBe(newId);
    expect(s.engine.agents.isLocal(oldId)).toBeFalsy();
    expect((await s.engine.clients.get(admin, newId)).clientId).toBe(newId);
  });
});
