// Server VQL builtins over the real services: clients() with search verbs, label(),
// client_info(), metadata, collect_client(), flows(), source(), cancel_flow(), and their
// permissions (checked by the evaluator before the builtin runs, and again by the services).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "../vql";
import { permissionsOf } from "../server/auth/roles";
import { serverBuiltins } from "../server/plugins";
import type { Principal } from "@/engine/server/contracts";
import { FIXTURE_ARTIFACTS, startTestAgent, startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string): Principal => ({ userId: role, username: role, role, permissions: permissionsOf(role), via: "session" });
const admin = as("administrator");

describe("server VQL builtins", () => {
  let s: TestServer;
  const agents: Array<{ stop(): Promise<void>; clientId: string }> = [];

  async function vql(text: string, principal: Principal = admin) {
    const rows: Record<string, unknown>[] = [];
    const logs: string[] = [];
    for await (const e of runVql(text, { registry, host: { principal, services: s.engine }, permissions: principal.permissions })) {
      if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
      if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
    }
    return { rows, logs };
  }

  beforeAll(async () => {
    s = await startTestServer({ artifactSource: testArtifacts(FIXTURE_ARTIFACTS), agentHeartbeatMs: 60_000 });
    const token = await s.engine.clients.ensureDeploymentToken();
    for (const h of ["alpha-web", "beta-db"]) {
      const a = startTestAgent({ url: s.url, token, hostname: h });
      agents.push(a);
      await waitFor(async () => (await s.engine.clients.get(admin, a.clientId)).hostname === h, `interrogation of ${h}`);
    }
  });
  afterAll(async () => {
    for (const a of agents) await a.stop();
    await s?.close();
  });

  it("clients() searches with verbs and returns Velociraptor's client shape", async () => {
    const { rows } = await vql("SELECT client_id, os_info.hostname AS Host, online FROM clients(search='host:alpha')");
    expect(rows).toEqual([{ client_id: agents[0]!.clientId, Host: "alpha-web", online: true }]);
    expect((await vql("SELECT client_id FROM clients()")).rows).toHaveLength(2);
    expect((await vql("SELECT client_id FROM clients(search='all', count=1)")).rows).toHaveLength(1);
    expect((await vql(`SELECT os_info.fqdn AS F FROM clients(client_id='${agents[1]!.clientId}')`)).rows).toEqual([{ F: "beta-db.example.com" }]);
    const bad = await vql("SELECT * FROM clients(search='w@t:x')");
    expect(bad.logs.join("\n")).toMatch(/ERROR clients: invalid search operator/);
  });

  it("label() sets, checks and removes; clients(search='label:...') finds the client", async () => {
    const id = agents[1]!.clientId;
    const set = await vql(`SELECT label(client_id='${id}', labels=['Critical'], op='set') AS L FROM scope()`);
    expect(set.rows).toEqual([{ L: { client_id: id, labels: ["Critical"], op: "set" } }]);
    expect((await vql("SELECT client_id, labels FROM clients(search='label:critical')")).rows).toEqual([{ client_id: id, labels: ["Critical"] }]);
    expect((await vql(`SELECT label(client_id='${id}', labels='CRITICAL', op='check') AS C FROM scope()`)).rows).toEqual([{ C: true }]);
    expect((await vql(`SELECT label(client_id='${id}', labels='other', op='check') AS C FROM scope()`)).rows).toEqual([{ C: false }]);
    await vql(`SELECT label(client_id='${id}', labels='critical', op='remove') FROM scope()`);
    expect((await vql("SELECT client_id FROM clients(search='label:critical')")).rows).toEqual([]);
    expect((await vql("SELECT client_id FROM clients(search='label:none')")).rows).toHaveLength(2);
  });

  it("a reader cannot label or collect: permission denied before the builtin runs", async () => {
    const id = agents[0]!.clientId;
    const r = await vql(`SELECT label(client_id='${id}', labels='x', op='set') AS L, collect_client(client_id='${id}', artifacts='Test.Rows') AS C FROM scope()`, as("reader"));
    expect(r.rows).toEqual([{ L: null, C: null }]);
    expect(r.logs.join("\n")).toMatch(/permission denied: `label\(\)` needs LABEL_CLIENT/);
    expect(r.logs.join("\n")).toMatch(/permission denied: `collect_client\(\)` needs COLLECT_CLIENT/);
    expect((await s.engine.clients.get(admin, id)).labels).toEqual([]);
  });

  it("client_info(), client_metadata() and client_set_metadata()", async () => {
    const id = agents[0]!.clientId;
    expect((await vql(`SELECT client_info(client_id='${id}').os_info.system AS OS FROM scope()`)).rows).toEqual([{ OS: "linux" }]);
    await vql(`SELECT client_set_metadata(client_id='${id}', metadata=dict(owner='ops', site='ams')) FROM scope()`);
    expect((await vql(`SELECT client_metadata(client_id='${id}') AS M FROM scope()`)).rows).toEqual([{ M: { owner: "ops", site: "ams" } }]);
    await vql(`SELECT client_set_metadata(client_id='${id}', metadata=dict(site='')) FROM scope()`);
    expect((await vql(`SELECT client_metadata(client_id='${id}') AS M FROM scope()`)).rows).toEqual([{ M: { owner: "ops" } }]);
    expect((await vql("SELECT client_id FROM clients(search='owner:ops')")).rows).toEqual([{ client_id: id }]);
  });

  it("collect_client() → flows() → source(): the automation idiom reads a flow's results", async () => {
    const id = agents[0]!.clientId;
    const { rows } = await vql(`SELECT collect_client(client_id='${id}', artifacts='Test.Rows', env=dict(Count='7')).flow_id AS F FROM scope()`);
    const flowId = rows[0]!.F as string;
    expect(flowId).toMatch(/^F\./);
    await waitFor(async () => (await vql(`SELECT state FROM flows(client_id='${id}', flow_id='${flowId}')`)).rows[0]?.state === "FINISHED", "the flow");
    const flow = (await vql(`SELECT session_id, artifacts_with_results, total_collected_rows FROM flows(client_id='${id}') WHERE session_id = '${flowId}'`)).rows;
    expect(flow).toEqual([{ session_id: flowId, artifacts_with_results: ["Test.Rows"], total_collected_rows: 7 }]);
    const src = await vql(`SELECT * FROM source(client_id='${id}', flow_id='${flowId}', artifact='Test.Rows') WHERE N > 4`);
    expect(src.rows).toEqual([{ N: 5, Text: "row 5" }, { N: 6, Text: "row 6" }]);
    const info = await vql(`LET F = SELECT last_interrogate_flow_id AS F FROM clients(client_id='${id}')
      SELECT Hostname FROM source(client_id='${id}', flow_id=F[0].F, artifact='Generic.Client.Info', source='BasicInformation')`);
    expect(info.rows).toEqual([{ Hostname: "alpha-web" }]);
  });

  it("cancel_flow() ends a running collection", async () => {
    const id = agents[1]!.clientId;
    const { rows } = await vql(`SELECT collect_client(client_id='${id}', artifacts='Test.Slow', env=dict(Count='100000000', DelayMs='5')).flow_id AS F FROM scope()`);
    const flowId = rows[0]!.F as string;
    await waitFor(async () => (await s.engine.flows.get(admin, id, flowId)).state === "RUNNING", "running");
    const c = await vql(`SELECT cancel_flow(client_id='${id}', flow_id='${flowId}') AS C FROM scope()`);
    expect(c.rows[0]!.C).toMatchObject({ flow_id: flowId });
    await waitFor(async () => (await s.engine.flows.get(admin, id, flowId)).state === "CANCELLED", "cancelled");
  });
});
