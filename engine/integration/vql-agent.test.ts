// A real agent (the VQL runner and this machine's Linux builtins) against the server:
// interrogation with a Generic.Client.Info fixture, a Linux.Sys.Pslist collection with this
// machine's processes, an upload stored with its hash, preconditions, and execve gating.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryOutbox } from "../client/connection/outbox";
import { createVqlRunner } from "../client/executor/vql-runner";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { permissionsOf } from "../server/auth/roles";
import type { ArtifactDefinition, Principal } from "@/engine/server/contracts";
import { startTestAgent, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

// Test fixtures in the shape the artifact repository provides (the real definitions live in
// artifacts/definitions, owned by the artifacts work).
const FIXTURES: ArtifactDefinition[] = [
  {
    name: "Generic.Client.Info",
    type: "CLIENT",
    parameters: [],
    sources: [
      {
        name: "BasicInformation",
        query: "SELECT Hostname, Fqdn, OS, Platform, PlatformVersion, KernelVersion, Architecture, { SELECT HardwareAddr FROM interfaces() WHERE HardwareAddr } AS MACAddresses FROM info()",
      },
      { name: "Users", query: "SELECT Name, Uid FROM users() WHERE Uid = 0" },
    ],
  },
  { name: "Linux.Sys.Pslist", type: "CLIENT", parameters: [{ name: "ProcessRegex", default: "." }], sources: [{ query: "SELECT Pid, Ppid, Name, Username, CommandLine, CreateTime FROM pslist() WHERE Name =~ ProcessRegex" }] },
  { name: "Test.Upload", type: "CLIENT", parameters: [{ name: "Path" }], sources: [{ query: "SELECT upload(file=Path) AS Upload FROM scope()" }] },
  { name: "Test.Windows", type: "CLIENT", parameters: [], precondition: "SELECT OS FROM info() WHERE OS = 'windows'", sources: [{ query: "SELECT 1 AS X FROM scope()" }] },
  { name: "Test.Sleep", type: "CLIENT", parameters: [], sources: [{ query: "SELECT sleep(time=10) AS Slept FROM scope()" }] },
  { name: "Test.Exec", type: "CLIENT", parameters: [], sources: [{ query: "SELECT Stdout FROM execve(argv=['echo', 'from execve'])" }] },
  // This test process is in the process list: one alert for it, the second raise suppressed.
  {
    name: "Test.AlertOnSelf",
    type: "CLIENT",
    parameters: [],
    sources: [{ query: "SELECT Pid, alert(name='Found myself', severity='high', Pid=Pid) AS A, alert(name='Found myself', Again=TRUE) AS B FROM pslist() WHERE Pid = getpid()" }],
  },
];

const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const investigator: Principal = { userId: "i", username: "ivan", role: "investigator", permissions: permissionsOf("investigator"), via: "session" };

describe("a real agent on this machine", () => {
  let s: TestServer;
  let agent: ReturnType<typeof startTestAgent>;
  const dir = mkdtempSync(join(tmpdir(), "talon-vql-agent-"));

  beforeAll(async () => {
    s = await startTestServer({ artifactSource: testArtifacts(FIXTURES), dataDir: undefined, memory: true, agentHeartbeatMs: 60_000 });
    const token = await s.engine.clients.ensureDeploymentToken();
    agent = startTestAgent({ url: s.url, token, outbox: new MemoryOutbox(), runner: createVqlRunner(createLinuxSystem()) });
    await waitFor(() => s.engine.agents.isLocal(agent.clientId), "connect");
  });
  afterAll(async () => {
    await agent?.stop();
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function finished(flowId: string) {
    return waitFor(async () => {
      const f = await s.engine.flows.get(admin, agent.clientId, flowId);
      return ["FINISHED", "ERROR", "TIMEOUT", "CANCELLED"].includes(f.state) ? f : undefined;
    }, `flow ${flowId}`, 20_000);
  }

  it("interrogation fills hostname, OS and MAC addresses from Generic.Client.Info", async () => {
    const c = await waitFor(async () => {
      const r = await s.engine.clients.get(admin, agent.clientId);
      return r.hostname ? r : undefined;
    }, "interrogation", 20_000);
    expect(c).toMatchObject({ hostname: hostname(), os: "linux", lastInterrogateFlowId: expect.stringMatching(/^F\./) });
    const flows = await s.engine.flows.list(admin, agent.clientId);
    expect(flows.items[0]).toMatchObject({ creator: "InterrogationService", artifactsWithResults: ["Generic.Client.Info/BasicInformation", "Generic.Client.Info/Users"] });
  });

  it("Linux.Sys.Pslist returns this machine's processes, columns in query order", async () => {
    const f = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Linux.Sys.Pslist"] });
    const done = await finished(f.flowId);
    expect(done.state).toBe("FINISHED");
    const page = await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: f.flowId, artifact: "Linux.Sys.Pslist", limit: 10_000 });
    expect(page.columns).toEqual(["Pid", "Ppid", "Name", "Username", "CommandLine", "CreateTime"]);
    expect(page.rows.map((r) => r.Pid)).toContain(process.pid);
    expect(page.total).toBe(done.totalRows);
    const filtered = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Linux.Sys.Pslist"], parameters: { ProcessRegex: "^no-such-process$" } });
    expect((await finished(filtered.flowId)).totalRows).toBe(0);
  });

  it("upload() stores the file under the data dir with its SHA-256", async () => {
    const file = join(dir, "evidence.bin");
    const content = Buffer.alloc(700_000, 7);
    writeFileSync(file, content);
    const f = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Upload"], parameters: { Path: file } });
    expect((await finished(f.flowId)).state).toBe("FINISHED");
    const uploads = await s.engine.flows.uploads(admin, { clientId: agent.clientId, flowId: f.flowId });
    const sha = createHash("sha256").update(content).digest("hex");
    expect(uploads).toEqual([expect.objectContaining({ name: file, size: content.length, sha256: sha })]);
    const stored = await s.engine.flows.uploadFile(admin, { clientId: agent.clientId, flowId: f.flowId, uploadId: uploads[0]!.uploadId });
    // Stored in the database (any process can serve it): the bytes read back are the file's.
    const chunks: Uint8Array[] = [];
    for await (const c of stored.body) chunks.push(c);
    expect(Buffer.concat(chunks).equals(content)).toBe(true);
    expect(stored).toMatchObject({ size: content.length, sha256: sha });
    const row = (await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: f.flowId, artifact: "Test.Upload" })).rows[0];
    expect(row).toMatchObject({ Upload: { Size: content.length, sha256: sha } });
  });

  it("a false precondition skips the source; the flow finishes without rows", async () => {
    const f = await s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Test.Windows"] });
    const done = await finished(f.flowId);
    expect(done).toMatchObject({ state: "FINISHED", totalRows: 0, sources: [expect.objectContaining({ artifact: "Test.Windows", state: "skipped" })] });
  });

  it("alert() in a collection reaches Server.Internal.Alerts and the inbox with the flow and who collected", async () => {
    const f = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.AlertOnSelf"] });
    expect((await finished(f.flowId)).state).toBe("FINISHED");
    const rows = (await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: f.flowId, artifact: "Test.AlertOnSelf" })).rows;
    expect(rows).toEqual([{ Pid: process.pid, A: true, B: false }]);
    const raised = (await s.engine.journal.history("Server.Internal.Alerts", { limit: 100 })).filter((e) => e.payload.flow_id === f.flowId);
    expect(raised.map((e) => e.payload)).toEqual([
      expect.objectContaining({ client_id: agent.clientId, name: "Found myself", severity: "high", event_data: { Pid: process.pid }, artifact: "Test.AlertOnSelf", artifact_type: "CLIENT", flow_id: f.flowId, raised_by: "ivan" }),
    ]);
    // The suppressed one is in the flow's log, as is the raise.
    const logs = (await s.engine.flows.logs(admin, { clientId: agent.clientId, flowId: f.flowId })).items.map((l) => l.message);
    expect(logs).toContain("Alert Found myself raised");
    expect(logs.some((m) => m.startsWith("Alert Found myself (Sup): "))).toBe(true);
    const entry = await waitFor(async () => (await s.engine.alerts.list(admin, { clientId: agent.clientId, search: "Found myself", limit: 5 })).alerts[0], "the inbox entry");
    expect(entry).toMatchObject({ count: 1, artifactType: "CLIENT", lastFlowId: f.flowId, raisedBy: "ivan", hostname: hostname() });
    const ctx = await s.engine.alerts.context(admin, entry.id);
    expect(ctx.rows).toEqual(rows);
  });

  it("execve() runs only when the collecting user holds EXECVE", async () => {
    const denied = await s.engine.flows.collect(investigator, { clientId: agent.clientId, artifacts: ["Test.Exec"] });
    expect(await finished(denied.flowId)).toMatchObject({ state: "ERROR", status: expect.stringMatching(/needs EXECVE/), totalRows: 0 });
    const allowed = await s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Test.Exec"] });
    expect(await finished(allowed.flowId)).toMatchObject({ state: "FINISHED", totalRows: 1 });
    const rows = (await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: allowed.flowId, artifact: "Test.Exec" })).rows;
    expect(rows).toEqual([{ Stdout: "from execve\n" }]);
  });

  it("a per-source timeout ends the source as TIMEOUT", async () => {
    const t0 = Date.now();
    const f = await s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Test.Sleep"], timeoutSec: 0.3 });
    const done = await finished(f.flowId);
    expect(done).toMatchObject({ state: "TIMEOUT", sources: [expect.objectContaining({ state: "timeout" })] });
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe("collections from the artifact repository", () => {
  let s: TestServer;
  let agent: ReturnType<typeof startTestAgent>;

  beforeAll(async () => {
    s = await startTestServer({ memory: true, agentHeartbeatMs: 60_000 });
    const token = await s.engine.clients.ensureDeploymentToken();
    agent = startTestAgent({ url: s.url, token, outbox: new MemoryOutbox(), runner: createVqlRunner(createLinuxSystem()) });
  });
  afterAll(async () => {
    await agent?.stop();
    await s?.close();
  });

  it("the built-in Generic.Client.Info interrogates and Linux.Sys.Pslist collects this machine's processes", async () => {
    const c = await waitFor(async () => {
      const r = await s.engine.clients.get(admin, agent.clientId);
      return r.hostname ? r : undefined;
    }, "interrogation", 20_000);
    expect(c).toMatchObject({ hostname: hostname(), os: "linux" });
    const f = await s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Linux.Sys.Pslist"] });
    const done = await waitFor(async () => {
      const x = await s.engine.flows.get(admin, agent.clientId, f.flowId);
      return x.state === "FINISHED" || x.state === "ERROR" ? x : undefined;
    }, "pslist", 20_000);
    expect(done).toMatchObject({ state: "FINISHED", status: "" });
    const page = await s.engine.flows.results(admin, { clientId: agent.clientId, flowId: f.flowId, artifact: "Linux.Sys.Pslist", limit: 10_000 });
    expect(page.rows.map((r) => r.Pid)).toContain(process.pid);
    await expect(s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Linux.Sys.Pslist"], parameters: { NoSuchParam: "x" } })).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/unknown parameter `NoSuchParam`/) });
    await expect(s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Server.Audit.Logs"] })).rejects.toMatchObject({ code: "bad_request" });
  });
});
