// The local agent (createLocalAgent: this machine's endpoint, its state directory protected),
// whose collections run in query worker threads (engine/client/isolation), against a real test
// server: a query that would hold the agent's event loop for minutes ends with a
// timeout when its worker is terminated, while the agent keeps its connection (short heartbeats:
// the server drops an agent silent for three) and finishes another flow meanwhile; a cancelled
// flow terminates its worker; uploads arrive byte for byte through the worker's RPC; protected
// paths are refused in the worker; execve()'s permission check works there (`Artifact.X()`
// from a collection's definitions: engine/client/isolation/runner.test.ts); a runaway client
// event query holds only its own event worker.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "../client/agent";
import type { AgentQueryWorker, AgentWorkerPool } from "../client/isolation/pool";
import { createLocalAgent } from "../client/local";
import { permissionsOf } from "../server/auth/roles";
import type { ArtifactDefinition, Principal } from "@/engine/server/contracts";
import { quietAgentLog, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

// s25 is defined through 25 lazy LETs, each referring to the one before twice: evaluating it
// concatenates 2^25 times in one synchronous evaluator step (minutes; its length stays 64 Mi
// characters only at the end, so no size cap fires before).
const DOUBLINGS = ["LET s0 = 'xx'", ...Array.from({ length: 25 }, (_, i) => `LET s${i + 1} = s${i} + s${i}`), "SELECT len(list=s25) AS Len FROM scope()"].join("\n");

const FIXTURES: ArtifactDefinition[] = [
  { name: "Test.Runaway", type: "CLIENT", parameters: [], sources: [{ query: DOUBLINGS }] },
  { name: "Test.Count", type: "CLIENT", parameters: [], sources: [{ query: "SELECT count() AS N FROM range(end=1000000000) GROUP BY 1" }] },
  { name: "Test.Rows", type: "CLIENT", parameters: [], sources: [{ query: "SELECT _value AS N, format(format='row %d', args=_value) AS Text FROM range(end=3000)" }] },
  { name: "Test.Upload", type: "CLIENT", parameters: [{ name: "Path" }], sources: [{ query: "SELECT upload(file=Path) AS Upload FROM scope()" }] },
  { name: "Test.Read", type: "CLIENT", parameters: [{ name: "Path" }], sources: [{ query: "SELECT read_file(filename=Path) AS Data FROM scope()" }] },
  { name: "Test.Exec", type: "CLIENT", parameters: [], sources: [{ query: "SELECT Stdout FROM execve(argv=['echo', 'from the worker'])" }] },
];

const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const investigator: Principal = { userId: "i", username: "ivan", role: "investigator", permissions: permissionsOf("investigator"), via: "session" };

describe("an agent whose queries run in worker threads", () => {
  let s: TestServer;
  let agent: Agent;
  let pool: AgentWorkerPool;
  const acquired: AgentQueryWorker[] = [];
  const logs: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "talon-agent-iso-"));
  const stateDir = join(dir, "state");

  beforeAll(async () => {
    // 1 s heartbeats: an agent whose event loop stalls for 3 s is dropped by the server (the
    // doublings would hold it for minutes).
    s = await startTestServer({ artifactSource: testArtifacts(FIXTURES), dataDir: undefined, memory: true, agentHeartbeatMs: 1000 });
    const token = await s.engine.clients.ensureDeploymentToken();
    agent = createLocalAgent({ server: s.url, token, stateDir, version: "test", log: quietAgentLog(logs), isolation: { workers: 2, heapMb: 256, graceMs: 500, retireHeapMb: 256 } });
    pool = (agent as { queryWorkers?: AgentWorkerPool }).queryWorkers!;
    const acquire = pool.acquire.bind(pool);
    pool.acquire = async (signal) => {
      const w = await acquire(signal);
      acquired.push(w);
      return w;
    };
    await pool.warmed();
    void agent.run();
    await waitFor(() => s.engine.agents.isLocal(agent.clientId), "connect");
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function finished(flowId: string, timeoutMs = 30_000) {
    return waitFor(async () => {
      const f = await s.engine.flows.get(admin, agent.clientId, flowId);
      return ["FINISHED", "ERROR", "TIMEOUT", "CANCELLED"].includes(f.state) ? f : undefined;
    }, `flow ${flowId}`, timeoutMs);
  }
  const flowLogs = async (flowId: string) => (await s.engine.flows.logs(admin, { clientId: agent.clientId, flowId, limit: 1000 })).items.map((l) => l.message);

  it("a runaway query times out with its worker terminated, while another flow on the agent finishes and the connection stays up", async () => {
    const before = acquired.length;
    const runaway = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Runaway"], timeoutSec: 3 });
    await waitFor(() => acquired.length > before, "the runaway's worker");
    const runawayWorker = acquired[before]!;
    const other = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Rows"] });
    const otherDone = await finished(other.flowId);
    // The other flow finished while the runaway still held its worker.
    expect(otherDone).toMatchObject({ state: "FINISHED", totalRows: 3000 });
    expect((await s.engine.flows.get(admin, agent.clientId, runaway.flowId)).state).toBe("RUNNING");
    const rows = await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: other.flowId, artifact: "Test.Rows", limit: 5 });
    expect(rows.rows[2]).toEqual({ N: 2, Text: "row 2" });

    const done = await finished(runaway.flowId);
    expect(done.state).toBe("TIMEOUT");
    expect(done.sources).toEqual([expect.objectContaining({ artifact: "Test.Runaway", state: "timeout", totalRows: 0 })]);
    expect(await flowLogs(runaway.flowId)).toEqual(expect.arrayContaining([expect.stringContaining("did not stop within 500 ms and was terminated"), "the source did not finish within 3 s"]));
    await waitFor(() => runawayWorker.exited, "the runaway's worker to exit");
    // The agent kept answering heartbeats: never dropped, never reconnected.
    expect(s.engine.agents.isLocal(agent.clientId)).toBe(true);
    expect(logs.filter((l) => /disconnected|connection to the server failed/.test(l))).toEqual([]);
  }, 60_000);

  it("count() over a billion rows times out; the next flow on the agent runs", async () => {
    const f = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Count"], timeoutSec: 2 });
    expect((await finished(f.flowId)).state).toBe("TIMEOUT");
    const next = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Rows"] });
    expect(await finished(next.flowId)).toMatchObject({ state: "FINISHED", totalRows: 3000 });
    expect(s.engine.agents.isLocal(agent.clientId)).toBe(true);
  }, 60_000);

  it("a cancelled flow terminates its worker", async () => {
    const before = acquired.length;
    const f = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Runaway"], timeoutSec: 600 });
    await waitFor(() => acquired.length > before, "the flow's worker");
    const w = acquired[before]!;
    await s.engine.flows.cancel(admin, agent.clientId, f.flowId);
    const done = await finished(f.flowId);
    expect(done.state).toBe("CANCELLED");
    await waitFor(() => w.exited, "the cancelled flow's worker to exit");
    expect(s.engine.agents.isLocal(agent.clientId)).toBe(true);
  }, 60_000);

  it("upload() through the worker arrives byte for byte", async () => {
    // Random bytes over many chunks (more than the chunks allowed in flight), and a small file.
    for (const content of [randomBytes(5 * 1024 * 1024 + 123), Buffer.from("small file\n")]) {
      const file = join(dir, `evidence-${content.length}.bin`);
      writeFileSync(file, content);
      const f = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Upload"], parameters: { Path: file } });
      expect((await finished(f.flowId)).state).toBe("FINISHED");
      const sha = createHash("sha256").update(content).digest("hex");
      const uploads = await s.engine.flows.uploads(admin, { clientId: agent.clientId, flowId: f.flowId });
      expect(uploads).toEqual([expect.objectContaining({ name: file, size: content.length, sha256: sha })]);
      const stored = await s.engine.flows.uploadFile(admin, { clientId: agent.clientId, flowId: f.flowId, uploadId: uploads[0]!.uploadId });
      const chunks: Uint8Array[] = [];
      for await (const c of stored.body) chunks.push(c);
      expect(Buffer.concat(chunks).equals(content)).toBe(true);
      const row = (await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: f.flowId, artifact: "Test.Upload" })).rows[0];
      expect(row).toMatchObject({ Upload: { Path: file, Size: content.length, sha256: sha } });
    }
  }, 60_000);

  it("an upload of a missing file logs the error and stores nothing", async () => {
    const missing = join(dir, "no-such-file");
    const f = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Upload"], parameters: { Path: missing } });
    await finished(f.flowId);
    expect(await s.engine.flows.uploads(admin, { clientId: agent.clientId, flowId: f.flowId })).toEqual([]);
    expect((await flowLogs(f.flowId)).some((m) => m.startsWith("upload: ") && m.includes("ENOENT"))).toBe(true);
  }, 60_000);

  it("protected paths are refused in the worker: read_file() and upload() of the state directory", async () => {
    // identity.json holds the agent's private key.
    const secret = join(stateDir, "identity.json");
    const read = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Read"], parameters: { Path: secret } });
    await finished(read.flowId);
    const rows = (await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: read.flowId, artifact: "Test.Read" })).rows;
    expect(JSON.stringify(rows)).not.toContain("PRIVATE KEY");
    expect(await flowLogs(read.flowId)).toEqual(expect.arrayContaining([expect.stringContaining(`refused to read ${secret}: it is the agent's state directory`)]));

    const up = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Upload"], parameters: { Path: secret } });
    await finished(up.flowId);
    expect(await s.engine.flows.uploads(admin, { clientId: agent.clientId, flowId: up.flowId })).toEqual([]);
    expect((await flowLogs(up.flowId)).some((m) => m.includes("refused to read") && m.includes("state directory"))).toBe(true);
  }, 60_000);

  it("execve() in the worker follows the collecting user's EXECVE", async () => {
    const denied = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Exec"] });
    expect(await finished(denied.flowId)).toMatchObject({ state: "ERROR", status: expect.stringMatching(/needs EXECVE/), totalRows: 0 });
    const allowed = await s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Test.Exec"] });
    expect(await finished(allowed.flowId)).toMatchObject({ state: "FINISHED", totalRows: 1 });
    const rows = (await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: allowed.flowId, artifact: "Test.Exec" })).rows;
    expect(rows).toEqual([{ Stdout: "from the worker\n" }]);
  }, 60_000);

  it("a runaway client event query holds only its own event worker: collections finish and the connection stays up; removing it from the table terminates that worker", async () => {
    const events = (agent as { eventWorkers?: AgentWorkerPool }).eventWorkers!;
    const yaml = ["name: Custom.Test.RunawayEvents", "type: CLIENT_EVENT", "sources:", "  - query: |", ...DOUBLINGS.split("\n").map((l) => `      ${l}`)].join("\n");
    // The table runs each artifact as the user who added it: a real, enabled account.
    const first = await s.engine.accounts.ensureFirstAdmin();
    const owner = (await s.engine.accounts.principalFor(first.created ? first.username : "admin"))!;
    await s.engine.artifacts.set(owner, yaml);
    await s.engine.monitoring.addClientArtifact(owner, { artifact: "Custom.Test.RunawayEvents" });
    await waitFor(() => (events.stats.running === 1 ? true : undefined), "the event query to take a worker", 30_000);
    // Three silent heartbeats (1 s each) would drop the agent: wait past that, then collect.
    await new Promise((r) => setTimeout(r, 3500));
    const side = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Rows"] });
    expect(await finished(side.flowId)).toMatchObject({ state: "FINISHED", totalRows: 3000 });
    expect(s.engine.agents.isLocal(agent.clientId)).toBe(true);
    expect(events.stats.running).toBe(1);
    await s.engine.monitoring.removeClientArtifact(owner, { artifact: "Custom.Test.RunawayEvents" });
    await waitFor(() => (events.stats.running === 0 ? true : undefined), "the event worker to be given back", 30_000);
    expect(logs.filter((l) => /disconnected|reconnect/i.test(l))).toEqual([]);
  }, 90_000);
});
