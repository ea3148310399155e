// Server-side flow deadlines with an injected clock: a RUNNING flow whose agent went away ends
// as TIMEOUT after its time limit (per source) plus the grace period, with a log line and
// exactly one System.Flow.Completion; late data for it is dropped and logged; a WAITING flow
// for an offline client expires after the waiting period; nothing expires right after a
// server start; the periodic check does it on its own.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newIdentity } from "../client/identity";
import { testDatabaseTargets } from "../../drizzle/testing";
import { permissionsOf } from "../server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { FIXTURE_ARTIFACTS, startTestAgent, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const GRACE_MS = 60_000;
const DAY = 24 * 3600_000;
const ARTIFACTS = testArtifacts([
  ...FIXTURE_ARTIFACTS,
  { name: "Test.TwoSlow", type: "CLIENT", parameters: [{ name: "Count", default: "1000000" }, { name: "DelayMs", default: "5" }], sources: [{ name: "A", query: "SLOW" }, { name: "B", query: "SLOW" }] },
]);

/** A clock tests move forward. */
function testClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    /** Moves "now" to `at` (never backwards). */
    set(at: number) {
      offset = Math.max(offset, at - Date.now());
    },
  };
}

async function completions(s: TestServer, clientId: string, flowId: string) {
  return (await s.engine.journal.history("System.Flow.Completion", { clientId, limit: 1000 })).filter((e) => e.payload.FlowId === flowId);
}

/** An agent that starts a slow flow and then goes away for good, leaving the flow RUNNING. */
async function runningFlowOfVanishedAgent(s: TestServer, token: string, artifact: string, timeoutSec: number) {
  const a = startTestAgent({ url: s.url, token });
  await waitFor(() => s.engine.agents.isLocal(a.clientId), "connect");
  const flow = await s.engine.flows.collect(admin, { clientId: a.clientId, artifacts: [artifact], parameters: { Count: "1000000", DelayMs: "5" }, timeoutSec });
  const running = await waitFor(async () => {
    const f = await s.engine.flows.get(admin, a.clientId, flow.flowId);
    return f.state === "RUNNING" && f.startedAt ? f : undefined;
  }, "running");
  await a.stop();
  await waitFor(() => !s.engine.agents.isLocal(a.clientId), "disconnect");
  await s.engine.flows.drain();
  return { clientId: a.clientId, flowId: flow.flowId, startedAt: running.startedAt!.getTime() };
}

for (const target of testDatabaseTargets()) describe(`server-side flow expiry on ${target.name}`, () => {
  let s: TestServer;
  let token: string;
  const clock = testClock();

  beforeAll(async () => {
    s = await startTestServer({ database: await target.open(), artifactSource: ARTIFACTS, clock, interrogationsPerSecond: 0, flowExpiry: { graceMs: GRACE_MS, intervalMs: 3600_000 } });
    token = await s.engine.clients.ensureDeploymentToken();
  });
  afterAll(async () => {
    await s?.close();
  });

  it("a RUNNING flow whose agent went away ends as TIMEOUT after its time limit plus the grace period, with a log line and one completion", async () => {
    const { clientId, flowId, startedAt } = await runningFlowOfVanishedAgent(s, token, "Test.Slow", 30);
    clock.set(startedAt + 30_000 + GRACE_MS - 2_000);
    expect(await s.engine.flows.expireOverdue()).toBe(0);
    expect((await s.engine.flows.get(admin, clientId, flowId)).state).toBe("RUNNING");

    clock.set(startedAt + 30_000 + GRACE_MS + 1_000);
    expect(await s.engine.flows.expireOverdue()).toBe(1);
    const f = await s.engine.flows.get(admin, clientId, flowId);
    expect(f.state).toBe("TIMEOUT");
    expect(f.status).toMatch(/did not report the end of this collection in time/);
    expect(f.finishedAt!.getTime()).toBeGreaterThanOrEqual(startedAt + 30_000 + GRACE_MS);
    const logs = await s.engine.flows.logs(admin, { clientId, flowId });
    expect(logs.items.filter((l) => l.level === "ERROR").map((l) => l.message)).toContain(f.status);
    expect(logs.total).toBe(logs.items.length);
    expect(s.logs.join("\n")).toMatch(new RegExp(`WARN flow expired on the server .*${flowId.replace(".", "\\.")}`));
    const done = await completions(s, clientId, flowId);
    expect(done).toHaveLength(1);
    expect(done[0]!.payload).toMatchObject({ ClientId: clientId, FlowId: flowId, Flow: { state: "TIMEOUT", status: f.status } });

    // A second check finds nothing more to do.
    expect(await s.engine.flows.expireOverdue()).toBe(0);
    expect(await completions(s, clientId, flowId)).toHaveLength(1);
  });

  it("late results for an expired flow are dropped and logged, never stored or completed twice", async () => {
    const { clientId, flowId, startedAt } = await runningFlowOfVanishedAgent(s, token, "Test.Slow", 10);
    clock.set(startedAt + 10_000 + GRACE_MS + 1_000);
    expect(await s.engine.flows.expireOverdue()).toBe(1);
    const before = await s.engine.flows.get(admin, clientId, flowId);
    // The agent comes back and delivers what it still had: rows, then its own final status.
    const seq = 1_000_000;
    await s.engine.internals.ingress.receive(clientId, { type: "rows", seq, flowId, artifact: "Test.Slow", columns: ["N"], rows: [{ N: -1 }, { N: -2 }] });
    await s.engine.internals.ingress.receive(clientId, { type: "flow-status", seq: seq + 1, flowId, state: "finished", time: Date.now() });
    await s.engine.flows.drain();
    const after = await s.engine.flows.get(admin, clientId, flowId);
    expect(after).toMatchObject({ state: "TIMEOUT", totalRows: before.totalRows, status: before.status });
    const page = await s.engine.flows.results(admin, { clientId, flowId, artifact: "Test.Slow", offset: 0, limit: 1_000_000 });
    expect(page.rows.some((r) => Number(r.N) < 0)).toBe(false);
    expect(s.logs.join("\n")).toMatch(new RegExp(`WARN agent sent data for a finished flow; dropped .*${flowId.replace(".", "\\.")}.*TIMEOUT`));
    expect(await completions(s, clientId, flowId)).toHaveLength(1);
  });

  it("the time budget is the timeout of each source: two sources get twice as long", async () => {
    const { clientId, flowId, startedAt } = await runningFlowOfVanishedAgent(s, token, "Test.TwoSlow", 20);
    clock.set(startedAt + 20_000 + GRACE_MS + 5_000);
    expect(await s.engine.flows.expireOverdue()).toBe(0);
    clock.set(startedAt + 2 * 20_000 + GRACE_MS + 1_000);
    expect(await s.engine.flows.expireOverdue()).toBe(1);
    expect((await s.engine.flows.get(admin, clientId, flowId)).state).toBe("TIMEOUT");
  });

  it("a still-connected agent that overran its flow is told to cancel it; what it sends afterwards is dropped", async () => {
    const a = startTestAgent({ url: s.url, token });
    try {
      await waitFor(() => s.engine.agents.isLocal(a.clientId), "connect");
      const flow = await s.engine.flows.collect(admin, { clientId: a.clientId, artifacts: ["Test.Slow"], parameters: { Count: "1000000", DelayMs: "5" }, timeoutSec: 5 });
      const f = await waitFor(async () => {
        const x = await s.engine.flows.get(admin, a.clientId, flow.flowId);
        return x.state === "RUNNING" && x.startedAt ? x : undefined;
      }, "running");
      clock.set(f.startedAt!.getTime() + 5_000 + GRACE_MS + 1_000);
      expect(await s.engine.flows.expireOverdue()).toBe(1);
      // The agent stops the flow (cancel) and reports it; the report arrives late and is dropped.
      await waitFor(() => a.executor.running().length === 0, "the agent to stop the flow");
      await waitFor(() => s.logs.some((l) => l.includes("data for a finished flow") && l.includes(flow.flowId)), "the late report to be dropped");
      expect((await s.engine.flows.get(admin, a.clientId, flow.flowId)).state).toBe("TIMEOUT");
      expect(await completions(s, a.clientId, flow.flowId)).toHaveLength(1);
    } finally {
      await a.stop();
    }
  });

  it("a WAITING flow for an offline client expires after the waiting period (7 days by default)", async () => {
    const a = startTestAgent({ url: s.url, token });
    await waitFor(() => s.engine.agents.isLocal(a.clientId), "connect");
    await a.stop();
    await waitFor(() => !s.engine.agents.isLocal(a.clientId), "disconnect");
    const flow = await s.engine.flows.collect(admin, { clientId: a.clientId, artifacts: ["Test.Rows"] });
    const created = flow.createdAt.getTime();
    clock.set(created + 7 * DAY - 60_000);
    expect(await s.engine.flows.expireOverdue()).toBe(0);
    expect((await s.engine.flows.get(admin, a.clientId, flow.flowId)).state).toBe("WAITING");
    clock.set(created + 7 * DAY + 1_000);
    expect(await s.engine.flows.expireOverdue()).toBe(1);
    const f = await s.engine.flows.get(admin, a.clientId, flow.flowId);
    expect(f.state).toBe("TIMEOUT");
    expect(f.status).toMatch(/did not come online within 7 days/);
    expect(await completions(s, a.clientId, flow.flowId)).toHaveLength(1);
  });
});

describe("server-side flow expiry across a restart and on its own", () => {
  it("nothing expires during the grace period after a server start; then the overdue flow does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "talon-expiry-"));
    const clock = testClock();
    try {
      const first = await startTestServer({ dataDir: dir, artifactSource: ARTIFACTS, clock, interrogationsPerSecond: 0, flowExpiry: { graceMs: GRACE_MS, intervalMs: 3600_000 } });
      const token = await first.engine.clients.ensureDeploymentToken();
      const { clientId, flowId, startedAt } = await runningFlowOfVanishedAgent(first, token, "Test.Slow", 10);
      await first.close();

      // The server was down for an hour; the flow is long overdue when it starts again.
      clock.set(startedAt + 3600_000);
      // The grace period starts while the server starts, somewhere between these two times
      // (a start takes real time, which the test clock also counts).
      const startBegan = clock.now().getTime();
      const second = await startTestServer({ dataDir: dir, artifactSource: ARTIFACTS, clock, interrogationsPerSecond: 0, flowExpiry: { graceMs: GRACE_MS, intervalMs: 3600_000 } });
      const startEnded = clock.now().getTime();
      try {
        expect(await second.engine.flows.expireOverdue()).toBe(0);
        clock.set(startBegan + GRACE_MS - 1_000);
        expect(await second.engine.flows.expireOverdue()).toBe(0);
        clock.set(startEnded + GRACE_MS + 1_000);
        expect(await second.engine.flows.expireOverdue()).toBe(1);
        expect((await second.engine.flows.get(admin, clientId, flowId)).state).toBe("TIMEOUT");
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the periodic check (setInterval on the engine signal) ends overdue flows without being called", async () => {
    const clock = testClock();
    const s = await startTestServer({ memory: true, artifactSource: ARTIFACTS, clock, interrogationsPerSecond: 0, flowExpiry: { graceMs: GRACE_MS, waitingMs: DAY, intervalMs: 50 } });
    try {
      const token = await s.engine.clients.ensureDeploymentToken();
      const identity = newIdentity();
      const a = startTestAgent({ url: s.url, token, identity });
      await waitFor(() => s.engine.agents.isLocal(a.clientId), "connect");
      await a.stop();
      await waitFor(() => !s.engine.agents.isLocal(a.clientId), "disconnect");
      const flow = await s.engine.flows.collect(admin, { clientId: a.clientId, artifacts: ["Test.Rows"] });
      clock.set(flow.createdAt.getTime() + DAY + 1_000);
      const f = await waitFor(async () => {
        const x = await s.engine.flows.get(admin, a.clientId, flow.flowId);
        return x.state === "TIMEOUT" ? x : undefined;
      }, "the periodic check to expire the flow", 5_000);
      expect(f.status).toMatch(/did not come online within 1 day;/);
      expect(await completions(s, a.clientId, flow.flowId)).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});
