// Server and agents together over a real WebSocket: enrolment, wrong token, interrogation,
// collection with results and exactly one completion, cancel, malformed and oversized messages,
// permissions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { newIdentity } from "../client/identity";
import { testDatabaseTargets } from "../../drizzle/testing";
import { permissionsOf } from "../server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { FIXTURE_ARTIFACTS, startTestAgent, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const reader: Principal = { userId: "r", username: "rita", role: "reader", permissions: permissionsOf("reader"), via: "session" };

for (const target of testDatabaseTargets()) describe(`agents and the server on ${target.name}`, () => {
  let s: TestServer;
  let token: string;
  const agents: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    s = await startTestServer({ database: await target.open(), artifactSource: testArtifacts(FIXTURE_ARTIFACTS), agentHeartbeatMs: 60_000 });
    token = await s.engine.clients.ensureDeploymentToken();
  });
  afterAll(async () => {
    for (const a of agents) await a.stop();
    await s?.close();
  });

  it("an agent with the deployment token enrols, is online, and interrogation fills its record", async () => {
    const a = startTestAgent({ url: s.url, token, hostname: "web-01" });
    agents.push(a);
    await waitFor(() => s.engine.agents.isLocal(a.clientId), "the agent to connect");
    const c = await waitFor(async () => {
      const r = await s.engine.clients.get(admin, a.clientId);
      return r.hostname ? r : undefined;
    }, "interrogation");
    expect(c).toMatchObject({ clientId: a.clientId, hostname: "web-01", os: "linux", online: true, macAddresses: ["02:00:00:00:00:01"] });
    const ev = await s.engine.journal.history("Server.Internal.Interrogation", { clientId: a.clientId, limit: 1000 });
    expect(ev.map((e) => e.payload.ClientId)).toEqual([a.clientId]);
  });

  it("a wrong token is refused with a clear message on both sides", async () => {
    const lines: string[] = [];
    const a = startTestAgent({ url: s.url, token: "dt_wrong", logs: lines });
    const outcome = await a.done;
    expect(outcome).toMatchObject({ kind: "refused", refusal: { code: "bad-token", message: expect.stringMatching(/deployment token is wrong/) } });
    expect(lines.join("\n")).toMatch(/the server refused this agent: the deployment token is wrong/);
    expect(s.logs.join("\n")).toMatch(/WARN agent refused .*bad-token/);
    await expect(s.engine.clients.get(admin, a.clientId)).rejects.toMatchObject({ code: "not_found" });
  });

  it("collect() runs on the agent; rows are stored in order and the completion is published once", async () => {
    const a = startTestAgent({ url: s.url, token, hostname: "db-01" });
    agents.push(a);
    await waitFor(() => s.engine.agents.isLocal(a.clientId), "connect");
    const flow = await s.engine.flows.collect(admin, { clientId: a.clientId, artifacts: ["Test.Rows"], parameters: { Count: "2500" } });
    expect(flow.flowId).toMatch(/^F\.[0-9A-V]{13}$/);
    const done = await waitFor(async () => {
      const f = await s.engine.flows.get(admin, a.clientId, flow.flowId);
      return f.state === "FINISHED" ? f : undefined;
    }, "the flow to finish");
    expect(done).toMatchObject({ totalRows: 2500, artifactsWithResults: ["Test.Rows"] });
    const page = await s.engine.flows.results(admin, { clientId: a.clientId, flowId: flow.flowId, artifact: "Test.Rows", offset: 2490, limit: 100 });
    expect(page.columns).toEqual(["N", "Text"]);
    expect(page.total).toBe(2500);
    expect(page.rows.map((r) => r.N)).toEqual([2490, 2491, 2492, 2493, 2494, 2495, 2496, 2497, 2498, 2499]);
    const completions = (await s.engine.journal.history("System.Flow.Completion", { clientId: a.clientId, limit: 1000 })).filter((e) => e.payload.FlowId === flow.flowId);
    expect(completions).toHaveLength(1);
    expect(completions[0]!.payload).toMatchObject({ ClientId: a.clientId, FlowId: flow.flowId, Flow: { state: "FINISHED", total_rows: 2500, artifacts_with_results: ["Test.Rows"] } });
    // The summary behind the benchmark and the bulk API counts it (on both databases).
    const summary = await s.engine.flows.summary(admin, { since: new Date(done.createdAt.getTime() - 1), creator: admin.username });
    expect(summary.byState.FINISHED).toBeGreaterThanOrEqual(1);
    expect(summary.totalRows).toBeGreaterThanOrEqual(2500);
  });

  it("a flow for an offline client waits and is sent when the client connects", async () => {
    const identity = newIdentity();
    const a = startTestAgent({ url: s.url, token, identity });
    await waitFor(() => s.engine.agents.isLocal(a.clientId), "connect");
    await a.stop();
    await waitFor(() => !s.engine.agents.isLocal(a.clientId), "disconnect");
    const flow = await s.engine.flows.collect(admin, { clientId: a.clientId, artifacts: ["Test.Rows"], parameters: { Count: "3" } });
    expect((await s.engine.flows.get(admin, a.clientId, flow.flowId)).state).toBe("WAITING");
    const b = startTestAgent({ url: s.url, token, identity });
    agents.push(b);
    await waitFor(async () => (await s.engine.flows.get(admin, a.clientId, flow.flowId)).state === "FINISHED", "the waiting flow to run");
  });

  it("an ERROR log makes the source and the flow ERROR, with the message kept", async () => {
    const a = startTestAgent({ url: s.url, token });
    agents.push(a);
    await waitFor(() => s.engine.agents.isLocal(a.clientId), "connect");
    const flow = await s.engine.flows.collect(admin, { clientId: a.clientId, artifacts: ["Test.Fails"] });
    const f = await waitFor(async () => {
      const x = await s.engine.flows.get(admin, a.clientId, flow.flowId);
      return x.state === "ERROR" ? x : undefined;
    }, "error state");
    expect(f.status).toBe("something broke");
    const logs = await s.engine.flows.logs(admin, { clientId: a.clientId, flowId: flow.flowId });
    expect(logs.items.map((l) => [l.level, l.message])).toContainEqual(["ERROR", "something broke"]);
    expect(logs.errors).toBe(logs.items.filter((l) => l.level === "ERROR").length);
    expect(logs.firstError?.message).toBe(logs.items.find((l) => l.level === "ERROR")?.message);
  });

  it("cancel() stops a running flow: CANCELLED, one completion", async () => {
    const a = startTestAgent({ url: s.url, token });
    agents.push(a);
    await waitFor(() => s.engine.agents.isLocal(a.clientId), "connect");
    const flow = await s.engine.flows.collect(admin, { clientId: a.clientId, artifacts: ["Test.Slow"], parameters: { Count: "1000000", DelayMs: "5" } });
    await waitFor(async () => (await s.engine.flows.get(admin, a.clientId, flow.flowId)).state === "RUNNING", "running");
    await s.engine.flows.cancel(admin, a.clientId, flow.flowId);
    await waitFor(async () => (await s.engine.flows.get(admin, a.clientId, flow.flowId)).state === "CANCELLED", "cancelled");
    const completions = (await s.engine.journal.history("System.Flow.Completion", { clientId: a.clientId, limit: 1000 })).filter((e) => e.payload.FlowId === flow.flowId);
    expect(completions).toHaveLength(1);
    expect(s.logs.join("\n")).not.toMatch(/data for a finished flow/);
  });

  it("a malformed message closes only that agent's connection, with the reason logged", async () => {
    const good = startTestAgent({ url: s.url, token });
    agents.push(good);
    await waitFor(() => s.engine.agents.isLocal(good.clientId), "connect");
    const ws = new WebSocket(s.url.replace("http", "ws") + "/api/ws/agent");
    const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
    await new Promise((r) => ws.once("message", r)); // the challenge
    ws.send('{"type":"hello","version":1,"clientId":"nope"}');
    expect(await closed).toBe(1008);
    expect(s.logs.join("\n")).toMatch(/agent connection closed .*invalid message \(hello\) at clientId/);
    expect(s.engine.agents.isLocal(good.clientId)).toBe(true);
    const f = await s.engine.flows.collect(admin, { clientId: good.clientId, artifacts: ["Test.Rows"] });
    await waitFor(async () => (await s.engine.flows.get(admin, good.clientId, f.flowId)).state === "FINISHED", "the good agent still works");
  });

  it("an oversized message closes the connection with 1009 and a logged reason", async () => {
    const ws = new WebSocket(s.url.replace("http", "ws") + "/api/ws/agent");
    const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
    ws.on("error", () => {});
    await new Promise((r) => ws.once("message", r));
    ws.send("x".repeat(5 * 1024 * 1024));
    expect(await closed).toBe(1009);
    expect(s.logs.join("\n")).toMatch(/agent connection closed .*over the limit/);
  });

  it("a reader can read clients but cannot collect or label", async () => {
    const [id] = (await s.engine.clients.search(admin, { query: "all", limit: 1 })).items.map((c) => c.clientId);
    expect((await s.engine.clients.search(reader, { query: "all" })).total).toBeGreaterThan(0);
    await expect(s.engine.flows.collect(reader, { clientId: id!, artifacts: ["Test.Rows"] })).rejects.toMatchObject({ code: "forbidden" });
    await expect(s.engine.clients.label(reader, [id!], ["x"], "set")).rejects.toMatchObject({ code: "forbidden" });
  });

  it("labels are case-insensitive, searchable, audited and published", async () => {
    const { items } = await s.engine.clients.search(admin, { query: "host:web" });
    const id = items[0]!.clientId;
    await s.engine.clients.label(admin, [id], ["Prod", "prod ", "Finance"], "set");
    expect((await s.engine.clients.get(admin, id)).labels).toEqual(["Finance", "Prod"]);
    expect((await s.engine.clients.search(admin, { query: "label:PROD" })).items.map((c) => c.clientId)).toEqual([id]);
    expect((await s.engine.clients.search(admin, { query: "label:fin*" })).items.map((c) => c.clientId)).toEqual([id]);
    expect((await s.engine.clients.search(admin, { query: "label:/^pr.d$/" })).items.map((c) => c.clientId)).toEqual([id]);
    expect((await s.engine.clients.search(admin, { query: "label:none" })).items.map((c) => c.clientId)).not.toContain(id);
    expect(await s.engine.clients.hasLabels(admin, id, ["prod", "FINANCE"])).toBe(true);
    await s.engine.clients.label(admin, [id], ["PROD"], "remove");
    expect((await s.engine.clients.get(admin, id)).labels).toEqual(["Finance"]);
    const ev = await s.engine.journal.history("Server.Internal.Label", { clientId: id, limit: 1000 });
    expect(ev.map((e) => [e.payload.Operation, e.payload.Label]).reverse()).toEqual([["Add", "Prod"], ["Add", "Finance"], ["Remove", "Prod"]]);
    const audit = (await s.engine.audit.list({ limit: 50 })).map((e) => e.operation);
    expect(audit).toEqual(expect.arrayContaining(["SetClientLabel", "RemoveClientLabel", "ScheduleFlow", "CancelFlow"]));
    // A client id no client has is not_found (a 404 at the route), and labels nobody.
    await expect(s.engine.clients.label(admin, [id, "C.00000000deadbeef"], ["Ghost"], "set")).rejects.toMatchObject({ code: "not_found", message: "no client C.00000000deadbeef" });
    expect((await s.engine.clients.get(admin, id)).labels).toEqual(["Finance"]);
  });

  it("search verbs: host prefix, os:, client id, metadata keys, unknown operators", async () => {
    const { items } = await s.engine.clients.search(admin, { query: "host:WEB-0" });
    expect(items.map((c) => c.hostname)).toEqual(["web-01"]);
    const id = items[0]!.clientId;
    expect((await s.engine.clients.search(admin, { query: "os:linux host:web" })).total).toBe(1);
    expect((await s.engine.clients.search(admin, { query: id.toUpperCase().replace("C.", "c.") })).items[0]?.clientId).toBe(id);
    await s.engine.clients.setMetadata(admin, id, { department: "Accounting" }, []);
    expect((await s.engine.clients.search(admin, { query: "department:accounting" })).items.map((c) => c.clientId)).toEqual([id]);
    expect(await s.engine.clients.metadata(admin, id)).toEqual({ department: "Accounting" });
    await expect(s.engine.clients.search(admin, { query: "b@d:x" })).rejects.toMatchObject({ code: "bad_request" });
  });
});

describe("interrogation", () => {
  it("is rate-limited: five new clients at two per second take at least two seconds to schedule", async () => {
    const s = await startTestServer({ artifactSource: testArtifacts(FIXTURE_ARTIFACTS), interrogationsPerSecond: 2, agentHeartbeatMs: 60_000 });
    const token = await s.engine.clients.ensureDeploymentToken();
    const agents = Array.from({ length: 5 }, (_, i) => startTestAgent({ url: s.url, token, hostname: `rate-${i}` }));
    try {
      const created = await waitFor(async () => {
        const times: number[] = [];
        for (const a of agents) {
          const f = (await s.engine.flows.list(admin, a.clientId)).items.find((x) => x.creator === "InterrogationService");
          if (!f) return undefined;
          times.push(f.createdAt.getTime());
        }
        return times.sort((x, y) => x - y);
      }, "every interrogation to be scheduled", 15_000);
      expect(created.at(-1)! - created[0]!).toBeGreaterThanOrEqual(1900);
      await waitFor(async () => (await s.engine.clients.search(admin, { query: "host:rate-" })).total === 5, "interrogation results");
    } finally {
      for (const a of agents) await a.stop();
      await s.close();
    }
  });
});
