// killkillkill() against the server and a pool: the corpus's Server.Utils.KillClient (its VQL
// unchanged) kills one pooled endpoint, which exits and, like a service its manager restarts,
// comes back with the same client id; the other endpoint is untouched. MACHINE_STATE is needed;
// a client that is not connected, or not known, is an error and NULL. Audited as killkillkill.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startPool, type Pool } from "../client/pool/pool";
import { permissionsOf } from "../server/auth/roles";
import { serverBuiltins } from "../server/plugins";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "../vql";
import { corpusDir } from "../vql/testdata/load-corpus";
import type { ArtifactDefinition, Principal } from "@/engine/server/contracts";
import { startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

const FIXTURES = JSON.parse(readFileSync(join(__dirname, "fixture-artifacts.json"), "utf8")) as ArtifactDefinition[];

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string): Principal => ({ userId: role, username: role, role, permissions: permissionsOf(role), via: "session" });
const admin = as("administrator");
const KILL_CLIENT = (parseYaml(readFileSync(join(corpusDir, "Server", "Utils", "KillClient.yaml"), "utf8")) as { sources: Array<{ query: string }> }).sources[0]!.query;

describe("killkillkill()", () => {
  let s: TestServer;
  let pool: Pool;

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
    s = await startTestServer({ artifactSource: testArtifacts(FIXTURES), agentHeartbeatMs: 60_000 });
    const token = await s.engine.clients.ensureDeploymentToken();
    pool = startPool({ server: s.url, token, count: 2, seed: "kill", version: "test", log: () => {}, restartMs: 200 });
    await pool.allWelcomed();
  });
  afterAll(async () => {
    await pool?.stop();
    await s?.close();
  });

  it("the corpus Server.Utils.KillClient kills one pooled endpoint, which restarts with the same client id", async () => {
    const [victim, bystander] = pool.agents.map((a) => a.agent);
    const id = victim!.clientId;
    const { rows, logs } = await vql(`LET ClientIdList <= 'kill ${id} please'\n${KILL_CLIENT}`);
    expect(rows).toEqual([{ "killkillkill(client_id=ClientId)": id }]);
    expect(logs).toContain(`INFO Killing client ${id}`);
    // The process "exits": the pool starts a new agent (a new object) for the same identity.
    await waitFor(async () => pool.stats().restarted === 1 && pool.agents[0]!.agent !== victim && pool.agents[0]!.agent.connection.isOnline, "the killed endpoint to come back", 15_000);
    expect(pool.agents[0]!.agent.clientId).toBe(id);
    expect(victim!.connection.isOnline).toBe(false);
    expect(pool.agents[1]!.agent).toBe(bystander);
    expect(bystander!.connection.isOnline).toBe(true);
    // Back online, it collects again.
    const flow = await s.engine.flows.collect(admin, { clientId: id, artifacts: ["Bench.Rows"] });
    await waitFor(async () => (await s.engine.flows.get(admin, id, flow.flowId)).state === "FINISHED", "a collection after the restart", 15_000);
  });

  it("needs MACHINE_STATE; a client not connected or unknown is an error and NULL", async () => {
    const id = pool.agents[1]!.agent.clientId;
    const refused = await vql(`SELECT killkillkill(client_id='${id}') AS K FROM scope()`, as("analyst"));
    expect(refused.rows).toEqual([{ K: null }]);
    expect(refused.logs.join("\n")).toMatch(/MACHINE_STATE/);
    expect(pool.agents[1]!.agent.connection.isOnline).toBe(true);
    const unknown = await vql("SELECT killkillkill(client_id='C.0000000000000000') AS K FROM scope()");
    expect(unknown.rows).toEqual([{ K: null }]);
    expect(unknown.logs).toContain("ERROR killkillkill: no client C.0000000000000000");
  });
});
