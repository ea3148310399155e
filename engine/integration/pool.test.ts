// Pool mode against the server: simulated endpoints enrol, interrogation reads their synthetic
// host facts (a mix of Windows, Linux and macOS), and one collection on all of them stores every
// row. The same seed gives the same fleet.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFromSeed } from "../client/identity";
import { makeProfile } from "../client/pool/profiles";
import { poolIdentitySeed, startPool, type Pool } from "../client/pool/pool";
import { permissionsOf } from "../server/auth/roles";
import type { ArtifactDefinition, Principal } from "@/engine/server/contracts";
import { startTestServer, testArtifacts, waitFor, type TestServer } from "./harness";

const FIXTURES = JSON.parse(readFileSync(join(__dirname, "fixture-artifacts.json"), "utf8")) as ArtifactDefinition[];
const admin: Principal = { userId: "a", username: "alice", role: "administrator", permissions: permissionsOf("administrator"), via: "session" };
const COUNT = 40;

describe("talon pool", () => {
  let s: TestServer;
  let pool: Pool;

  beforeAll(async () => {
    s = await startTestServer({ artifactSource: testArtifacts(FIXTURES), agentHeartbeatMs: 60_000 });
    const token = await s.engine.clients.ensureDeploymentToken();
    pool = startPool({ server: s.url, token, count: COUNT, seed: "test-fleet", version: "test", log: () => {} });
  });
  afterAll(async () => {
    await pool?.stop();
    await s?.close();
  });

  it("every simulated endpoint enrols and is interrogated with its synthetic facts", async () => {
    await pool.allWelcomed();
    expect(pool.stats()).toMatchObject({ welcomed: COUNT, enrolled: COUNT, refused: 0 });
    await waitFor(async () => (await s.engine.clients.search(admin, { query: "all", limit: 1000 })).items.every((c) => c.hostname), "interrogation of every endpoint", 30_000);
    const { items } = await s.engine.clients.search(admin, { query: "all", limit: 1000 });
    expect(items).toHaveLength(COUNT);
    const byOs = new Map<string, number>();
    for (const c of items) byOs.set(c.os, (byOs.get(c.os) ?? 0) + 1);
    expect([...byOs.keys()].sort()).toEqual(expect.arrayContaining(["linux", "windows"]));
    for (const { agent, profile } of pool.agents) {
      const c = items.find((x) => x.clientId === agent.clientId)!;
      expect(c).toMatchObject({ hostname: profile.hostname, os: profile.os, platform: profile.platform, macAddresses: [profile.mac] });
    }
    expect((await s.engine.clients.search(admin, { query: "os:windows" })).total).toBe(byOs.get("windows"));
  });

  it("one collection on every endpoint stores ten rows each", async () => {
    const flows = await Promise.all(pool.agents.map(({ agent }) => s.engine.flows.collect(admin, { clientId: agent.clientId, artifacts: ["Bench.Rows"] })));
    await waitFor(async () => {
      const states = await Promise.all(flows.map((f) => s.engine.flows.get(admin, f.clientId, f.flowId)));
      return states.every((f) => f.state === "FINISHED");
    }, "every flow to finish", 30_000);
    let rows = 0;
    for (const f of flows) rows += (await s.engine.flows.get(admin, f.clientId, f.flowId)).totalRows;
    expect(rows).toBe(COUNT * 10);
    const one = await s.engine.flows.results(admin, { clientId: flows[0]!.clientId, flowId: flows[0]!.flowId, artifact: "Bench.Rows" });
    expect(one.columns).toEqual(["Pid", "Name", "Username", "CommandLine"]);
  });

  it("the same seed gives the same identities and endpoints", () => {
    expect(identityFromSeed(poolIdentitySeed("test-fleet", 7)).clientId).toBe(pool.agents[7]!.agent.clientId);
    expect(makeProfile("test-fleet", 7)).toEqual(pool.agents[7]!.profile);
    expect(makeProfile("other", 7).hostname).not.toBe(pool.agents[7]!.profile.hostname);
  });
});

describe("synthetic endpoints", () => {
  it("every kind has at least ten processes, and the fleet mixes the four kinds", async () => {
    const { syntheticProcesses } = await import("../client/pool/processes");
    const kinds = new Map<string, number>();
    for (let i = 0; i < 500; i++) {
      const p = makeProfile("mix", i);
      kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
      expect([...syntheticProcesses(p)].length).toBeGreaterThanOrEqual(10);
    }
    expect([...kinds.keys()].sort()).toEqual(["linux", "macos", "windows-server", "windows-workstation"]);
  });
});
