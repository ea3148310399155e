// The agent endpoint under hostile input, over real sockets against a real server (issue 13
// item 6): floods of unauthenticated half-frames, the per-address and overall caps, and a rogue
// enrolled agent's NUL rows and 5,000-deep arrays next to an honest agent's data.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "../../drizzle/testing";
import { LIMITS, type RowsMessage } from "../protocol";
import { permissionsOf } from "../server/auth/roles";
import type { Principal } from "@/engine/server/contracts";
import { halfFrame, scriptedAgent } from "./hostile-peers";
import { startServerProcess, type ServerProcess } from "./server-process";
import { FIXTURE_ARTIFACTS, startTestAgent, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const HELLO_MS = 1000;
const MARK = "ROW-VALUE-MARK";

const rows = (flowId: string, seq: number, row: Record<string, unknown>): RowsMessage => ({ type: "rows", seq, flowId, artifact: "Test.Rows", columns: Object.keys(row), rows: [row] });

/** A process's resident set in MiB (Linux). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

// The server in its own process, as shipped (5 s hello deadline, default caps), so its RSS is its
// own and the 300 peers can push as fast as loopback goes. The database plays no part here.
describe("300 unauthenticated half-frames against a server process", () => {
  let server: ServerProcess | undefined;
  let dataDir = "";
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "talon-hostile-"));
    server = await startServerProcess({ dataDir, port: 0 });
  });
  afterAll(() => {
    server?.child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("each sending 4 MiB minus one byte of an unfinished frame: dropped at the 64 KiB pre-hello budget, the server's RSS grows a few MB, not 1.16 GB", async () => {
    const pid = server!.child.pid!;
    // The server starts its query workers (tens of MB each) in the background after it listens:
    // measure from a settled RSS, not one that is still growing by itself.
    let before = rssMb(pid);
    for (let i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const now = rssMb(pid);
      const settled = Math.abs(now - before) < 2;
      before = now;
      if (settled) break;
    }
    let peak = before;
    const t = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
    const result = await Promise.all(Array.from({ length: 300 }, () => halfFrame(server!.url, { declared: LIMITS.maxMessageBytes, send: LIMITS.maxMessageBytes - 1 })));
    await new Promise((r) => setTimeout(r, 200));
    clearInterval(t);
    const slowest = Math.max(...result.map((r) => r.closedAfterMs));
    console.log(`300 x (4 MiB - 1) half-frames: server RSS ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB at peak (+${(peak - before).toFixed(1)} MB; seen before the fix: +1.16 GB for ~45 s); every socket dropped within ${slowest} ms`);
    expect(result.every((r) => r.status === 101)).toBe(true);
    expect(slowest).toBeLessThan(LIMITS.helloTimeoutMs + 2000);
    expect(peak - before).toBeLessThan(100);
    expect(await (await fetch(`${server!.url}/logs`)).text()).toMatch(/agent connection closed .*over 65536 bytes before the hello/);
  });
});

for (const target of testDatabaseTargets()) describe(`the agent endpoint under hostile input on ${target.name}`, () => {
  let s: TestServer;
  let token: string;
  const stops: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    s = await startTestServer({ database: await target.open(), artifactSource: testArtifacts(FIXTURE_ARTIFACTS), agentHeartbeatMs: 60_000, agentHelloTimeoutMs: HELLO_MS, agentUnauthenticated: { max: 1000, perAddress: 1000 } });
    token = await s.engine.clients.ensureDeploymentToken();
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await s?.close();
  });

  it("300 unauthenticated sockets holding a small unfinished frame are closed at the hello deadline, not 45 s later", async () => {
    const result = await Promise.all(Array.from({ length: 300 }, () => halfFrame(s.url, { declared: LIMITS.maxMessageBytes, send: 16 * 1024 })));
    const slowest = Math.max(...result.map((r) => r.closedAfterMs));
    console.log(`300 small half-frames: closed ${Math.min(...result.map((r) => r.closedSinceConnectMs))} ms or more after connect, at most ${slowest} ms after the 101 (deadline ${HELLO_MS} ms)`);
    // The lower bound counts from before connect: the server's deadline cannot start earlier, so
    // a loaded machine reading the 101 late cannot make an on-time close look early.
    expect(Math.min(...result.map((r) => r.closedSinceConnectMs))).toBeGreaterThanOrEqual(HELLO_MS - 5);
    expect(slowest).toBeLessThan(HELLO_MS + 1500);
    await waitFor(() => s.engine.internals.unauthenticatedAgents() === 0, "every slot to be given back");
  });

  it("a rogue agent's NUL row is stored normalised and its 5,000-deep array refused alone; an honest agent collecting at that moment is stored in full and never disconnected", async () => {
    const honestLogs: string[] = [];
    const honest = startTestAgent({ url: s.url, token, hostname: "honest-01", logs: honestLogs });
    stops.push(() => honest.stop());
    await waitFor(() => s.engine.agents.isLocal(honest.clientId), "the honest agent to connect");
    const rogue = await scriptedAgent(s.url, token);
    stops.push(() => rogue.ws.close());
    const rf = await s.engine.flows.collect(admin, { clientId: rogue.clientId, artifacts: ["Test.Rows"] });
    const gf = await s.engine.flows.collect(admin, { clientId: honest.clientId, artifacts: ["Test.Rows"], parameters: { Count: "3000" } });

    rogue.send(rows(rf.flowId, 1, { "Na\u0000me": `evil\u0000${MARK}`, N: 1 }));
    // As text: JSON.stringify recurses, and a test worker's stack is too small for 5,000 levels.
    rogue.ws.send(JSON.stringify(rows(rf.flowId, 2, { N: 2, X: "DEEP" })).replace('"DEEP"', `${"[".repeat(5000)}"${MARK}"${"]".repeat(5000)}`));
    rogue.send(rows(rf.flowId, 3, { N: 3 }));
    await waitFor(() => rogue.acks.includes(3), "the rogue's messages to be acknowledged");
    expect(rogue.acks).toEqual([1, 2, 3]);
    expect(rogue.closeCode).toBeUndefined();

    const done = await waitFor(async () => {
      const f = await s.engine.flows.get(admin, honest.clientId, gf.flowId);
      return f.state === "FINISHED" ? f : undefined;
    }, "the honest collection");
    expect(done.totalRows).toBe(3000);
    const stored = await s.engine.flows.results(admin, { clientId: rogue.clientId, flowId: rf.flowId, artifact: "Test.Rows" });
    expect(stored.rows).toEqual([{ "Na\uFFFDme": `evil\uFFFD${MARK}`, N: 1 }, { N: 3 }]);
    const logs = await s.engine.flows.logs(admin, { clientId: rogue.clientId, flowId: rf.flowId });
    expect(logs.items.map((l) => l.message)).toEqual([expect.stringMatching(/refused a rows message of \d+ bytes: its values nest deeper than 64 levels/)]);

    const server = s.logs.join("\n");
    expect(server).toMatch(/agent message refused/);
    expect(server).not.toMatch(new RegExp(`agent connection closed .*${honest.clientId}`));
    expect(honestLogs.join("\n")).not.toMatch(/disconnected from the server/);
    expect(server).not.toContain(MARK);
  });

  it("a message the database cannot store fails only itself: the other agent's data in the same batch is stored and no log line carries row values", async () => {
    const honest = await scriptedAgent(s.url, token);
    const rogue = await scriptedAgent(s.url, token);
    stops.push(() => honest.ws.close(), () => rogue.ws.close());
    const hf = await s.engine.flows.collect(admin, { clientId: honest.clientId, artifacts: ["Test.Rows"] });
    const rf = await s.engine.flows.collect(admin, { clientId: rogue.clientId, artifacts: ["Test.Rows"] });
    const ingress = s.engine.internals.ingress;
    const before = s.logs.length;
    // Handed to the writer directly, past the decoder's normalisation, in one tick: one batch.
    const results = await Promise.allSettled([
      ingress.receive(honest.clientId, rows(hf.flowId, 1, { Text: `honest-${MARK}` })),
      ingress.receive(rogue.clientId, rows(rf.flowId, 1, { Text: `nul\u0000${MARK}` })),
      ingress.receive(rogue.clientId, rows(rf.flowId, 2, { Text: "after" })),
      ingress.receive(honest.clientId, rows(hf.flowId, 2, { Text: "second" })),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect((await s.engine.flows.results(admin, { clientId: honest.clientId, flowId: hf.flowId, artifact: "Test.Rows" })).rows).toEqual([{ Text: `honest-${MARK}` }, { Text: "second" }]);
    expect((await s.engine.flows.results(admin, { clientId: rogue.clientId, flowId: rf.flowId, artifact: "Test.Rows" })).total).toBe(0);
    const lines = s.logs.slice(before).join("\n");
    expect(lines).toMatch(/a batch of agent data failed; storing it agent by agent .*"clients":2/);
    expect(lines).toMatch(new RegExp(`an agent's message could not be stored.*"clientId":"${rogue.clientId.replace(".", "\\.")}","seq":1`));
    expect(lines).not.toContain(MARK);
    expect(lines).not.toMatch(/params|Failed query/);
    // The rogue resends from its refused seq once the offending content is gone: stored in order.
    await ingress.receive(rogue.clientId, rows(rf.flowId, 1, { Text: "fixed" }));
    await ingress.receive(rogue.clientId, rows(rf.flowId, 2, { Text: "after" }));
    expect((await s.engine.flows.results(admin, { clientId: rogue.clientId, flowId: rf.flowId, artifact: "Test.Rows" })).rows).toEqual([{ Text: "fixed" }, { Text: "after" }]);
  });
});

for (const target of testDatabaseTargets()) describe(`caps on agent sockets that have not said hello on ${target.name}`, () => {
  let s: TestServer;
  let token: string;
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    s = await startTestServer({ database: await target.open(), artifactSource: testArtifacts(FIXTURE_ARTIFACTS), agentHeartbeatMs: 60_000, agentHelloTimeoutMs: HELLO_MS, agentUnauthenticated: { max: 6, perAddress: 4, capLoopback: true } });
    token = await s.engine.clients.ensureDeploymentToken();
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await s?.close();
  });

  it("refuses the excess per address with 429 and overall with 503; agents that said hello do not count; slots come back at the deadline", async () => {
    const agent = startTestAgent({ url: s.url, token });
    stops.push(() => agent.stop());
    await waitFor(() => s.engine.agents.isLocal(agent.clientId), "a real agent to connect");
    const hold = (localAddress: string) => halfFrame(s.url, { declared: 1000, send: 10, localAddress });
    const held = [1, 2, 3, 4].map(() => hold("127.0.0.1"));
    await waitFor(() => s.engine.internals.unauthenticatedAgents() === 4, "four held sockets");
    expect((await hold("127.0.0.1")).status).toBe(429);
    const other = [hold("127.0.0.2"), hold("127.0.0.2")];
    await waitFor(() => s.engine.internals.unauthenticatedAgents() === 6, "six held sockets");
    expect((await hold("127.0.0.3")).status).toBe(503);
    expect(s.logs.join("\n")).toMatch(/agent connections refused .*from this address/);
    const all = await Promise.all([...held, ...other]);
    expect(all.map((r) => r.status)).toEqual([101, 101, 101, 101, 101, 101]);
    expect(Math.max(...all.map((r) => r.closedAfterMs))).toBeLessThan(HELLO_MS + 1500);
    await waitFor(() => s.engine.internals.unauthenticatedAgents() === 0, "every slot to be given back");
    // Once they are gone, an agent from the same address is welcome again.
    const again = await scriptedAgent(s.url, token);
    expect(again.closeCode).toBeUndefined();
    again.ws.close();
    expect(s.engine.agents.isLocal(agent.clientId)).toBe(true);
  });
});
