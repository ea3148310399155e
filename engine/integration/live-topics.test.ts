// The endpoint pages' live channel end to end: a signed-in browser socket on /api/ws/ui
// subscribes to clients, client:<id> and flows:<id> and receives online/offline, enrolment,
// label, metadata and flow changes as they happen.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { permissionsOf } from "../server/auth/roles";
import { SESSION_COOKIE } from "../server/http/gate";
import type { Principal } from "@/engine/server/contracts";
import { newIdentity } from "../client/identity";
import { FIXTURE_ARTIFACTS, startTestAgent, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };

/** A browser-like socket: session cookie and same-site Origin; collects every message. */
async function uiSocket(s: TestServer, token: string) {
  const ws = new WebSocket(`${s.url.replace("http", "ws")}/api/ws/ui`, { headers: { cookie: `${SESSION_COOKIE}=${token}`, origin: s.url } });
  const messages: Array<Record<string, unknown>> = [];
  ws.on("message", (d) => messages.push(JSON.parse(String(d))));
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return {
    messages,
    async subscribe(topic: string) {
      ws.send(JSON.stringify({ type: "subscribe", topic }));
      return waitFor(() => messages.find((m) => m.topic === topic && (m.type === "subscribed" || m.type === "error")), `an answer for ${topic}`);
    },
    /** Waits for a message on `topic` matching `fields`. */
    expect(topic: string, fields: Record<string, unknown>) {
      return waitFor(() => messages.find((m) => m.topic === topic && Object.entries(fields).every(([k, v]) => m[k] === v)), `${topic} ${JSON.stringify(fields)}`);
    },
    close: () => ws.close(),
  };
}

describe("live endpoint topics on /api/ws/ui", () => {
  let s: TestServer;
  let token: string;
  let session: string;
  const agents: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    s = await startTestServer({ memory: true, artifactSource: testArtifacts(FIXTURE_ARTIFACTS), adminPassword: "live-admin-pw-1", interrogationsPerSecond: 0 });
    await s.engine.accounts.ensureFirstAdmin();
    const signed = await s.engine.accounts.signIn("admin", "live-admin-pw-1", { userAgent: "test", ip: "127.0.0.1" });
    if (!signed.ok) throw new Error(signed.reason);
    session = signed.token;
    token = await s.engine.clients.ensureDeploymentToken();
  });
  afterAll(async () => {
    for (const a of agents) await a.stop();
    await s?.close();
  });

  it("an agent's enrolment, online and offline reach the clients list and the client's own topic", async () => {
    const ui = await uiSocket(s, session);
    const identity = newIdentity();
    expect(await ui.subscribe("clients")).toMatchObject({ type: "subscribed" });
    expect(await ui.subscribe(`client:${identity.clientId}`)).toMatchObject({ type: "subscribed" });
    const a = startTestAgent({ url: s.url, token, identity });
    await ui.expect("clients", { type: "enrolled", clientId: a.clientId });
    await ui.expect("clients", { type: "online", clientId: a.clientId, online: true });
    await ui.expect(`client:${a.clientId}`, { type: "online", online: true });
    await a.stop();
    await ui.expect(`client:${a.clientId}`, { type: "online", online: false });
    await ui.expect("clients", { type: "online", clientId: a.clientId, online: false });
    ui.close();
  });

  it("a revoked key's agent goes offline on the client's topic, and its refused hellos do not bring it back online", async () => {
    const ui = await uiSocket(s, session);
    const identity = newIdentity();
    expect(await ui.subscribe(`client:${identity.clientId}`)).toMatchObject({ type: "subscribed" });
    const a = startTestAgent({ url: s.url, token, identity });
    agents.push(a);
    await ui.expect(`client:${a.clientId}`, { type: "online", online: true });
    await s.engine.clients.revokeKey(admin, a.clientId);
    await ui.expect(`client:${a.clientId}`, { type: "online", online: false });
    const at = ui.messages.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(ui.messages.slice(at).filter((m) => m.topic === `client:${a.clientId}` && m.type === "online")).toEqual([]);
    expect((await s.engine.clients.get(admin, a.clientId)).online).toBe(false);
    ui.close();
  });

  it("label and metadata changes, and a flow's progress, are published as they happen", async () => {
    const a = startTestAgent({ url: s.url, token });
    agents.push(a);
    await waitFor(() => s.engine.agents.isLocal(a.clientId), "connect");
    const ui = await uiSocket(s, session);
    for (const t of [`client:${a.clientId}`, `flows:${a.clientId}`]) expect(await ui.subscribe(t)).toMatchObject({ type: "subscribed" });
    await s.engine.clients.label(admin, [a.clientId], ["Live"], "set");
    await ui.expect(`client:${a.clientId}`, { type: "labels" });
    await s.engine.clients.setMetadata(admin, a.clientId, { owner: "ops" }, []);
    await ui.expect(`client:${a.clientId}`, { type: "metadata" });
    const flow = await s.engine.flows.collect(admin, { clientId: a.clientId, artifacts: ["Test.Rows"], parameters: { Count: "20" } });
    await ui.expect(`flows:${a.clientId}`, { type: "flow", flowId: flow.flowId });
    await waitFor(async () => (await s.engine.flows.get(admin, a.clientId, flow.flowId)).state === "FINISHED", "finished");
    // At least one more change after creation: the rows and the final state.
    await waitFor(() => ui.messages.filter((m) => m.topic === `flows:${a.clientId}` && m.flowId === flow.flowId).length >= 2, "progress messages");
    ui.close();
  });

  it("a malformed client topic is refused on the socket", async () => {
    const ui = await uiSocket(s, session);
    expect(await ui.subscribe("client:not-an-id")).toMatchObject({ type: "error", message: "no access to this topic" });
    ui.close();
  });
});
