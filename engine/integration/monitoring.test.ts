// Event monitoring end to end on both databases: the server event table runs a SERVER_EVENT
// artifact continuously as the user who added it (rows in the journal with _ts, readable with
// monitoring() and source()), restarts it when its parameters change, shows a failing query's
// error and restarts it; the client event table reaches real agents (real VQL) through label
// groups, their rows land with ClientId, and an agent cannot write to any other queue.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryOutbox } from "../client/connection/outbox";
import { createVqlRunner } from "../client/executor/vql-runner";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { testDatabaseTargets } from "../../drizzle/testing";
import { permissionsOf } from "../server/auth/roles";
import { toJsonValue } from "../vql";
import type { Principal } from "@/engine/server/contracts";
import { startTestAgent, startTestServer, waitFor, type TestServer } from "./harness";

const IN = `name: Custom.Test.In
type: SERVER_EVENT
description: A queue only (no sources), fed with send_event().
`;
const RELAY = `name: Custom.Test.Relay
type: SERVER_EVENT
parameters:
  - name: Prefix
    default: got
sources:
  - query: |
      SELECT format(format='%v %v', args=[Prefix, Value]) AS Text, Value
      FROM watch_monitoring(artifact='Custom.Test.In')
`;
const BROKEN = `name: Custom.Test.Broken
type: SERVER_EVENT
sources:
  - query: SELECT * FROM no_such_plugin_here()
`;
const TICKS = `name: Custom.Test.Ticks
type: CLIENT_EVENT
sources:
  - query: SELECT _value AS N, 'tick' AS Kind FROM range(end=3)
`;
const WINDOWS_ONLY = `name: Custom.Test.WindowsOnly
type: CLIENT_EVENT
precondition: SELECT OS FROM info() WHERE OS = 'windows'
sources:
  - query: SELECT 1 AS X FROM scope()
`;
const COLLECTION = `name: Custom.Test.Collection
type: CLIENT
sources:
  - query: SELECT 1 AS X FROM scope()
`;

const reader: Principal = { userId: "r", username: "rita", role: "reader", permissions: permissionsOf("reader"), via: "session" };

for (const target of testDatabaseTargets()) describe(`event monitoring on ${target.name}`, () => {
  let s: TestServer;
  let token: string;
  let admin: Principal;
  const agents: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    s = await startTestServer({ database: await target.open(), agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 });
    token = await s.engine.clients.ensureDeploymentToken();
    const first = await s.engine.accounts.ensureFirstAdmin();
    admin = (await s.engine.accounts.principalFor(first.created ? first.username : "admin"))!;
    for (const y of [IN, RELAY, BROKEN, TICKS, WINDOWS_ONLY, COLLECTION]) await s.engine.artifacts.set(admin, y);
  });
  afterAll(async () => {
    for (const a of agents) await a.stop();
    await s?.close();
  });

  async function rows(vql: string) {
    const out: Record<string, unknown>[] = [];
    for await (const e of s.engine.queries.run(vql, { principal: admin })) {
      if (e.kind === "row") out.push(toJsonValue(e.row) as Record<string, unknown>);
      if (e.kind === "log" && e.level === "ERROR") throw new Error(e.message);
    }
    return out;
  }

  /** Sends events until the relay has produced a row with this text (its subscription starts when it does). */
  async function relayed(text: string, value: number) {
    return waitFor(async () => {
      await s.engine.monitoring.sendEvent(admin, { artifact: "Custom.Test.In", row: { Value: value } });
      const h = await s.engine.journal.history("Custom.Test.Relay", { limit: 100 });
      return h.find((e) => e.payload.Text === text);
    }, `the relay to produce "${text}"`, 15_000);
  }

  it("a SERVER_EVENT artifact in the server table runs continuously; its rows go to its queue with _ts", async () => {
    const t0 = Date.now() / 1000;
    const view = await s.engine.monitoring.addServerArtifact(admin, { artifact: "Custom.Test.Relay", parameters: { Prefix: "seen" } });
    expect(view.table.artifacts.map((a) => [a.artifact, a.parameters, a.addedBy])).toEqual([["Custom.Test.Relay", { Prefix: "seen" }, admin.username]]);
    const e = await relayed("seen 1", 1);
    expect(e.clientId).toBe("server");
    expect(e.payload._ts).toBeGreaterThanOrEqual(Math.floor(t0));
    const status = await waitFor(async () => (await s.engine.monitoring.serverStatus(admin)).find((x) => x.name === "Custom.Test.Relay" && x.rows > 0), "the relay's state");
    expect(status).toMatchObject({ artifact: "Custom.Test.Relay", state: "running", error: "" });
    // Read back with VQL as Velociraptor's notebooks do: monitoring() and source() without a client id.
    expect((await rows("SELECT Text FROM monitoring(artifact='Custom.Test.Relay')")).map((r) => r.Text)).toContain("seen 1");
    expect((await rows("SELECT Text FROM source(artifact='Custom.Test.Relay', start_time=now() - 3600)")).map((r) => r.Text)).toContain("seen 1");
    expect(await rows("SELECT Text FROM source(artifact='Custom.Test.Relay', end_time=now() - 3600)")).toEqual([]);
    const table = (await rows("SELECT get_server_monitoring() AS T FROM scope()"))[0]!.T as { artifacts: string[]; specs: Array<{ artifact: string; parameters: { env: Array<{ key: string; value: string }> } }> };
    expect(table.artifacts).toEqual(["Custom.Test.Relay"]);
    expect(table.specs[0]!.parameters.env).toEqual([{ key: "Prefix", value: "seen" }]);
    const logs = await rows("SELECT message FROM monitoring_logs(artifact='Custom.Test.Relay')");
    expect(logs.map((l) => l.message).join("\n")).toMatch(/started as admin/);
  });

  it("monitoring() pages through thousands of stored rows in order, for the server and for one client", async () => {
    const rowsIn = Array.from({ length: 2600 }, (_, i) => ({ Paged: i }));
    await s.engine.journal.append("Custom.Test.Ticks", rowsIn.slice(0, 1300), { clientId: "C.00000000000000c1" });
    await s.engine.journal.append("Custom.Test.Ticks", rowsIn.slice(1300), { clientId: "C.00000000000000c1" });
    const all = await rows("SELECT Paged FROM monitoring(artifact='Custom.Test.Ticks', client_id='C.00000000000000c1') WHERE Paged != NULL");
    expect(all.map((r) => r.Paged)).toEqual(rowsIn.map((r) => r.Paged));
    const skipped = await rows("SELECT Paged FROM monitoring(artifact='Custom.Test.Ticks', client_id='C.00000000000000c1', start_row=1500)");
    expect(skipped.map((r) => r.Paged)).toEqual(rowsIn.slice(1500).map((r) => r.Paged));
    const everyClient = await rows("SELECT Paged FROM monitoring(artifact='Custom.Test.Ticks') WHERE Paged != NULL");
    expect(everyClient).toHaveLength(2600);
  });

  it("new parameters restart the query with them; removing it stops it", async () => {
    await rows("SELECT add_server_monitoring(artifact='Custom.Test.Relay', parameters=dict(Prefix='again')) FROM scope()");
    await relayed("again 2", 2);
    await s.engine.monitoring.removeServerArtifact(admin, "Custom.Test.Relay");
    await waitFor(async () => !(await s.engine.monitoring.serverStatus(admin)).some((x) => x.name === "Custom.Test.Relay"), "the relay to be gone");
    // Stopped: a new event is not relayed.
    await new Promise((r) => setTimeout(r, 300));
    await s.engine.monitoring.sendEvent(admin, { artifact: "Custom.Test.In", row: { Value: 3 } });
    await new Promise((r) => setTimeout(r, 500));
    expect((await s.engine.journal.history("Custom.Test.Relay", { limit: 100 })).some((e) => e.payload.Value === 3)).toBe(false);
  });

  it("a failing query shows its error and is restarted after a pause", async () => {
    await s.engine.monitoring.addServerArtifact(admin, { artifact: "Custom.Test.Broken" });
    const st = await waitFor(async () => (await s.engine.monitoring.serverStatus(admin)).find((x) => x.name === "Custom.Test.Broken" && x.state === "failed" && x.restarts >= 1), "the broken query to fail and restart", 15_000);
    expect(st.error).toMatch(/no_such_plugin_here/);
    await s.engine.monitoring.removeServerArtifact(admin, "Custom.Test.Broken");
  });

  it("refuses what does not belong in a table, and users without the permission", async () => {
    await expect(s.engine.monitoring.addServerArtifact(admin, { artifact: "Custom.Test.Collection" })).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/CLIENT artifact.*only SERVER_EVENT/) });
    await expect(s.engine.monitoring.addClientArtifact(admin, { artifact: "Custom.Test.Relay" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(s.engine.monitoring.addServerArtifact(admin, { artifact: "Custom.Test.Relay", parameters: { Nope: "1" } })).rejects.toMatchObject({ code: "bad_request" });
    await expect(s.engine.monitoring.addServerArtifact(reader, { artifact: "Custom.Test.Relay" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(s.engine.monitoring.addClientArtifact(reader, { artifact: "Custom.Test.Ticks" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(s.engine.monitoring.sendEvent(reader, { artifact: "Custom.Test.In", row: {} })).rejects.toMatchObject({ code: "forbidden" });
    await expect(s.engine.monitoring.sendEvent(admin, { artifact: "Server.Internal.Label", row: {} })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("the client table reaches agents through label groups: labelled agents run it, their rows land with ClientId", async () => {
    const runner = createVqlRunner(createLinuxSystem());
    const a = startTestAgent({ url: s.url, token, runner, outbox: new MemoryOutbox() });
    const b = startTestAgent({ url: s.url, token, runner, outbox: new MemoryOutbox() });
    agents.push(a, b);
    await waitFor(() => s.engine.agents.isLocal(a.clientId) && s.engine.agents.isLocal(b.clientId), "both agents to connect");
    await s.engine.monitoring.addClientArtifact(admin, { artifact: "Custom.Test.Ticks", label: "Watched" });
    await s.engine.monitoring.addClientArtifact(admin, { artifact: "Custom.Test.WindowsOnly" });
    await s.engine.clients.label(admin, [a.clientId], ["watched"], "set");
    const got = await waitFor(async () => {
      const h = await s.engine.journal.history("Custom.Test.Ticks", { clientId: a.clientId, limit: 100, oldestFirst: true });
      return h.length >= 3 ? h : undefined;
    }, "the labelled agent's event rows", 15_000);
    expect(got.map((e) => [e.payload.N, e.payload.Kind, e.payload.ClientId])).toEqual([0, 1, 2].map((n) => [n, "tick", a.clientId]));
    expect(a.events.names().sort()).toEqual(["Custom.Test.Ticks", "Custom.Test.WindowsOnly"]);
    expect(b.events.names()).toEqual(["Custom.Test.WindowsOnly"]);
    // The Windows-only artifact does not apply on Linux and says so in the client's event log.
    const logs = await waitFor(async () => {
      const l = await s.engine.monitoring.logs(admin, { artifact: "Custom.Test.WindowsOnly", clientId: b.clientId, limit: 10 });
      return l.length ? l : undefined;
    }, "the precondition log line");
    expect(logs[0]!.message).toMatch(/does not apply to this endpoint/);
    expect(await s.engine.journal.history("Custom.Test.Ticks", { clientId: b.clientId, limit: 10 })).toEqual([]);
    expect((await s.engine.monitoring.clientArtifacts(admin, a.clientId)).map((x) => [x.artifact, x.label])).toEqual([["Custom.Test.WindowsOnly", undefined], ["Custom.Test.Ticks", "Watched"]]);
    // watch_monitoring() over a CLIENT_EVENT queue sees rows from every client.
    const table = (await rows("SELECT get_client_monitoring() AS T FROM scope()"))[0]!.T as { label_events: Array<{ label: string; artifacts: { artifacts: string[] } }> };
    expect(table.label_events).toEqual([{ label: "Watched", artifacts: expect.objectContaining({ artifacts: ["Custom.Test.Ticks"] }) }]);
    // Removing the label removes the group's artifact from what the agent runs.
    await s.engine.clients.label(admin, [a.clientId], ["watched"], "remove");
    await waitFor(() => a.events.names().length === 1, "the agent to drop the label group's artifact");
  });

  it("the agent's Linux.Events.ProcessCreation and Linux.Detection.FileChanges report what happens on this machine", async () => {
    const dir = mkdtempSync(join(tmpdir(), "talon-events-"));
    const runner = createVqlRunner(createLinuxSystem());
    const a = startTestAgent({ url: s.url, token, runner, outbox: new MemoryOutbox() });
    agents.push(a);
    await waitFor(() => s.engine.agents.isLocal(a.clientId), "connect");
    await s.engine.monitoring.addClientArtifact(admin, { artifact: "Linux.Events.ProcessCreation", parameters: { Period: "0.5" }, label: "local-watch" });
    await s.engine.monitoring.addClientArtifact(admin, { artifact: "Linux.Detection.FileChanges", parameters: { WatchGlobTable: `Glob\n${dir}/*\n` }, label: "local-watch" });
    await s.engine.clients.label(admin, [a.clientId], ["local-watch"], "set");
    await waitFor(() => ["Linux.Events.ProcessCreation", "Linux.Detection.FileChanges"].every((n) => a.events.names().includes(n)), "the agent to run both artifacts");
    // Let the first poll of /proc pass (diff() reports from the second run on) and the watch start.
    await new Promise((r) => setTimeout(r, 1500));
    const marker = `3.${Date.now() % 100000}`;
    const child = spawn("sleep", [marker], { stdio: "ignore" });
    writeFileSync(join(dir, "dropped.sh"), "#!/bin/sh\necho hi\n");
    try {
      const t0 = Date.now();
      const proc = await waitFor(async () => {
        const h = await s.engine.journal.history("Linux.Events.ProcessCreation", { clientId: a.clientId, limit: 1000 });
        return h.find((e) => String(e.payload.CommandLine ?? "").includes(`sleep ${marker}`));
      }, "the new process to be reported", 5000);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(proc.payload).toMatchObject({ Pid: child.pid, Name: "sleep", ClientId: a.clientId });
      const file = await waitFor(async () => {
        const h = await s.engine.journal.history("Linux.Detection.FileChanges", { clientId: a.clientId, limit: 100 });
        return h.find((e) => String(e.payload.OSPath ?? "").endsWith("dropped.sh"));
      }, "the written file to be reported", 5000);
      expect(file.payload).toMatchObject({ Action: "created", ClientId: a.clientId });
    } finally {
      child.kill();
      await s.engine.clients.label(admin, [a.clientId], ["local-watch"], "remove");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Artifact.X() calls in event and collected artifacts run on the agent: the server sends the called artifacts along", async () => {
    await s.engine.artifacts.set(admin, `name: Custom.Test.Callee
type: CLIENT
parameters:
  - name: Mult
    type: int
    default: "2"
sources:
  - query: SELECT 'called' AS Origin, _value * Mult AS N FROM range(end=3)
`);
    await s.engine.artifacts.set(admin, `name: Custom.Test.CallerEvent
type: CLIENT_EVENT
sources:
  - query: SELECT Origin, N FROM Artifact.Custom.Test.Callee(Mult=10)
`);
    await s.engine.artifacts.set(admin, `name: Custom.Test.CallerCollect
type: CLIENT
sources:
  - query: SELECT Origin, N FROM Artifact.Custom.Test.Callee()
`);
    const a = startTestAgent({ url: s.url, token, runner: createVqlRunner(createLinuxSystem()), outbox: new MemoryOutbox() });
    agents.push(a);
    await waitFor(() => s.engine.agents.isLocal(a.clientId), "connect");
    await s.engine.monitoring.addClientArtifact(admin, { artifact: "Custom.Test.CallerEvent", label: "caller" });
    await s.engine.clients.label(admin, [a.clientId], ["caller"], "set");
    const got = await waitFor(async () => {
      const h = await s.engine.journal.history("Custom.Test.CallerEvent", { clientId: a.clientId, limit: 10, oldestFirst: true });
      return h.length >= 3 ? h : undefined;
    }, "the calling event artifact's rows");
    expect(got.map((e) => [e.payload.Origin, e.payload.N])).toEqual([["called", 0], ["called", 10], ["called", 20]]);
    const flow = await s.engine.flows.collect(admin, { clientId: a.clientId, artifacts: ["Custom.Test.CallerCollect"] });
    await waitFor(async () => (await s.engine.flows.get(admin, a.clientId, flow.flowId)).state === "FINISHED", "the collection");
    const res = await s.engine.flows.results(admin, { clientId: a.clientId, flowId: flow.flowId, artifact: "Custom.Test.CallerCollect", offset: 0, limit: 10 });
    expect(res.rows.map((r) => [r.Origin, r.N])).toEqual([["called", 0], ["called", 2], ["called", 4]]);
    await s.engine.clients.label(admin, [a.clientId], ["caller"], "remove");
  });

  it("a backtest replays the stored history of the watched queue and records what it would do, doing nothing", async () => {
    const c = startTestAgent({ url: s.url, token });
    agents.push(c);
    await waitFor(() => s.engine.agents.isLocal(c.clientId), "connect");
    for (const v of [10, 11, 12]) await s.engine.monitoring.sendEvent(admin, { artifact: "Custom.Test.In", row: { Value: v, Client: c.clientId } });
    const yaml = `name: Custom.Test.AutoLabel
type: SERVER_EVENT
parameters:
  - name: Threshold
    type: int
    default: "10"
sources:
  - query: |
      SELECT Value, label(client_id=Client, labels="Backtested", op="set") AS Labelled
      FROM watch_monitoring(artifact="Custom.Test.In")
      WHERE Value > Threshold
`;
    const r = await s.engine.backtest.backtest(admin, { yaml, hours: 1, parameters: { Threshold: "10" } });
    expect(r.rows.map((x) => x.row.Value)).toEqual([11, 12]);
    expect(r.effects).toEqual([11, 12].map(() => ({ builtin: "label", args: { client_id: c.clientId, labels: ["Backtested"], op: "set" } })));
    expect(r.replayed).toEqual([{ queue: "Custom.Test.In", events: expect.any(Number) }]);
    expect(r.replayed[0]!.events).toBeGreaterThanOrEqual(3);
    // Nothing was applied: the client has no such label.
    expect((await s.engine.clients.get(admin, c.clientId)).labels).not.toContain("Backtested");
    await expect(s.engine.backtest.backtest(reader, { yaml, hours: 1 })).rejects.toMatchObject({ code: "forbidden" });
    await expect(s.engine.backtest.backtest(admin, { yaml: "name: X\ntype: SERVER_EVENT\nsources:\n  - query: SELECT FROM\n", hours: 1 })).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/artifact:\d+:\d+:/) });
  });

  it("a backtest of a clock()-driven CLIENT_EVENT artifact ends at once with no rows and says the clock has no history", async () => {
    const yaml = `name: Custom.Test.BacktestTicks
type: CLIENT_EVENT
sources:
  - query: SELECT Unix AS Tick FROM clock(period=1)
`;
    const t0 = Date.now();
    const r = await s.engine.backtest.backtest(admin, { yaml, hours: 1 });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(r.rows).toEqual([]);
    expect(r.replayed).toEqual([]);
    expect(r.logs).toEqual([{ source: "Custom.Test.BacktestTicks", level: "INFO", message: expect.stringMatching(/^clock\(\) ticks live and has no stored history/) }]);
  });

  it("an agent's events for anything but a CLIENT_EVENT artifact are dropped", async () => {
    const a = startTestAgent({ url: s.url, token });
    agents.push(a);
    await waitFor(() => s.engine.agents.isLocal(a.clientId), "connect");
    await a.stop();
    const seq = 1_000_000;
    await s.engine.internals.ingress.receive(a.clientId, { type: "events", seq, artifact: "Server.Internal.Label", columns: ["x"], rows: [{ x: 1 }] });
    await s.engine.internals.ingress.receive(a.clientId, { type: "events", seq: seq + 1, artifact: "Custom.Test.Relay", columns: ["x"], rows: [{ x: 1 }] });
    expect((await s.engine.journal.history("Server.Internal.Label", { clientId: a.clientId, limit: 10 })).filter((e) => e.payload.x === 1)).toEqual([]);
    expect((await s.engine.journal.history("Custom.Test.Relay", { clientId: a.clientId, limit: 10 }))).toEqual([]);
    expect(s.logs.join("\n")).toMatch(/not a CLIENT_EVENT artifact; dropped/);
  });
});
