// A flow's log, end to end (issue 14: "the Log tab is empty even when the agent logged"): the
// local agent (createLocalAgent, this machine's builtins) collects an artifact that calls log()
// in a SELECT, a WHERE, a LET and a foreach() subquery, and the logs route the Log tab reads gives
// every line back in order with its level and source — with the agent's query workers
// (isolation, the local agent's default) and without them (TALON_AGENT_VQL_WORKERS=0).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ArtifactDefinition, Engine, Principal } from "@/engine/server/contracts";
import type { Agent } from "../client/agent";
import { createLocalAgent } from "../client/local";
import { principal } from "../server/services/notebooks/testing";
import { quietAgentLog, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

let who: Principal | undefined;
vi.mock("server-only", () => ({}));
vi.mock("@/app/_server/auth", () => ({ currentPrincipal: async () => who }));
const logsRoute = await import("@/app/api/clients/[clientId]/flows/[flowId]/logs/route");

const FIXTURES: ArtifactDefinition[] = [
  {
    name: "Test.Logs",
    type: "CLIENT",
    parameters: [{ name: "Tag", default: "t" }],
    sources: [
      { name: "Select", query: "SELECT log(message='%v select %v', args=[Tag, _value]) AS L, _value AS N FROM range(end=3)" },
      { name: "Where", query: "SELECT _value AS N FROM range(end=2) WHERE log(message='%v where %v', args=[Tag, _value], level='WARN')" },
      { name: "Let", query: "LET x = SELECT log(message='%v let', args=Tag, level='ERROR') AS L FROM scope()\nSELECT * FROM x" },
      { name: "Foreach", query: "SELECT * FROM foreach(row={SELECT _value AS V FROM range(end=2)}, query={SELECT log(message='each %v', args=V) AS L FROM scope()})" },
    ],
  },
];

const EXPECTED = (tag: string) => [
  ["WARN", "Test.Logs/Where", `${tag} where 0`],
  ["WARN", "Test.Logs/Where", `${tag} where 1`],
  ["ERROR", "Test.Logs/Let", `${tag} let`],
  ["INFO", "Test.Logs/Foreach", "each 0"],
  ["INFO", "Test.Logs/Foreach", "each 1"],
  ["INFO", "Test.Logs/Select", `${tag} select 0`],
  ["INFO", "Test.Logs/Select", `${tag} select 1`],
  ["INFO", "Test.Logs/Select", `${tag} select 2`],
];

for (const workers of [1, 0]) {
  describe(`a flow's log lines from the local agent (${workers ? "query workers" : "in-process"})`, () => {
    let s: TestServer;
    let agent: Agent;
    const admin = principal("alice", "administrator");
    const dir = mkdtempSync(join(tmpdir(), "talon-flow-logs-"));

    beforeAll(async () => {
      s = await startTestServer({ artifactSource: testArtifacts(FIXTURES), memory: true, agentHeartbeatMs: 60_000 });
      (globalThis as { __talonEngine?: Engine }).__talonEngine = s.engine;
      const token = await s.engine.clients.ensureDeploymentToken();
      agent = createLocalAgent({ server: s.url, token, stateDir: join(dir, "state"), version: "test", log: quietAgentLog(), isolation: { workers, heapMb: 256, graceMs: 500, retireHeapMb: 256, eventWorkers: 0 } });
      void agent.run();
      await waitFor(() => s.engine.agents.isLocal(agent.clientId), "connect");
    }, 60_000);
    afterAll(async () => {
      delete (globalThis as { __talonEngine?: Engine }).__talonEngine;
      await agent?.stop();
      await s?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function collectLogs(tag: string) {
      const f = await s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Test.Logs"], parameters: { Tag: tag } });
      const done = await waitFor(async () => {
        const x = await s.engine.flows.get(admin, agent.clientId, f.flowId);
        return ["FINISHED", "ERROR", "TIMEOUT", "CANCELLED"].includes(x.state) ? x : undefined;
      }, "the flow", 30_000);
      who = principal("rita", "reader");
      const res = await logsRoute.GET(new Request(`http://localhost/api/clients/${agent.clientId}/flows/${f.flowId}/logs?offset=0&limit=100`), { params: Promise.resolve({ clientId: agent.clientId, flowId: f.flowId }) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: Array<{ level: string; artifact: string; message: string }>; total: number };
      return { done, body };
    }

    it("every log() line reaches the logs route, in order, with level and source; the count matches", async () => {
      const { done, body } = await collectLogs("first");
      // The Let source logged an ERROR: the flow ends in ERROR with that line as its status.
      expect(done).toMatchObject({ state: "ERROR", status: "first let", totalLogs: 8 });
      const bySource = (items: typeof body.items) => [...items].sort((a, b) => a.artifact.localeCompare(b.artifact)).map((l) => [l.level, l.artifact, l.message]);
      expect(bySource(body.items)).toEqual(bySource(EXPECTED("first").map(([level, artifact, message]) => ({ level: level!, artifact: artifact!, message: message! }))));
      // Sources run in order, so the lines of each source come together and in order.
      expect(body.items.filter((l) => l.artifact === "Test.Logs/Select").map((l) => l.message)).toEqual(["first select 0", "first select 1", "first select 2"]);
      expect(body.total).toBe(8);
    }, 60_000);

    it("a second collection of the same artifact right after logs its lines again (dedup is per query)", async () => {
      const { body } = await collectLogs("first");
      expect(body.items.map((l) => l.message).sort()).toEqual(EXPECTED("first").map((e) => e[2]!).sort());
    }, 60_000);
  });
}
