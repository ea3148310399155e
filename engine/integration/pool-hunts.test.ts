// Hunts on 20 pooled endpoints against a real server, with the repository's artifacts: an
// include label finishes on exactly the labelled clients; a client labelled after the start
// joins; a server-side condition over the clients' facts selects exactly the matching ones and
// is never sent to an agent (every message the server sent agents is recorded); the VQL
// builtins read the stats and every client's rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPool, type Pool } from "../client/pool/pool";
import { toJsonText } from "../vql";
import { INTERROGATION_QUEUE, type HuntSummary, type Principal } from "@/engine/server/contracts";
import { startTestServer, quietAgentLog, waitFor, type TestServer } from "./harness";

const COUNT = 20;

describe("hunts on a pool", () => {
  let s: TestServer;
  let pool: Pool;
  let admin: Principal;
  const sent: Array<{ clientId: string; message: unknown }> = [];

  beforeAll(async () => {
    s = await startTestServer({ agentHeartbeatMs: 60_000, huntTickMs: 100 });
    // Every message the server sends an agent passes here (flows dispatch through presence).
    const presence = s.engine.agents as unknown as { sendLocal(clientId: string, m: unknown): boolean };
    const original = presence.sendLocal.bind(presence);
    presence.sendLocal = (clientId, message) => {
      sent.push({ clientId, message });
      return original(clientId, message);
    };
    const token = await s.engine.clients.ensureDeploymentToken();
    const first = await s.engine.accounts.ensureFirstAdmin();
    admin = (await s.engine.accounts.principalFor(first.created ? first.username : "admin"))!;
    pool = startPool({ server: s.url, token, count: COUNT, seed: "hunts", eventRate: 0, version: "test", log: quietAgentLog() });
    await pool.allWelcomed();
    await waitFor(async () => (await s.engine.journal.history(INTERROGATION_QUEUE, { limit: 1000 })).length >= COUNT || undefined, "every client interrogated", 45_000);
  }, 60_000);
  afterAll(async () => {
    await pool?.stop();
    await s?.close();
  });

  const ids = (from: number, to: number) => pool.agents.slice(from, to).map((a) => a.agent.clientId!);
  const finished = (huntId: string, n: number) =>
    waitFor(async () => {
      const h = await s.engine.hunts.get(admin, huntId);
      return h.stats.totalFinishedClients >= n ? h : undefined;
    }, `${n} clients finished`, 45_000);

  it("an include label finishes on exactly the labelled clients; one labelled after the start joins", async () => {
    const labelled = ids(0, 6);
    await s.engine.clients.label(admin, labelled, ["HuntMe"], "set");
    const h = await s.engine.hunts.create(admin, { artifacts: ["Generic.Client.Info"], includeLabels: ["huntme"], description: "label hunt" });
    let done: HuntSummary = await finished(h.huntId, 6);
    expect(done.stats).toMatchObject({ totalClientsScheduled: 6, totalClientsWithResults: 6, totalClientsWithErrors: 0, pending: 0, running: 0 });

    const late = ids(6, 7);
    await s.engine.clients.label(admin, late, ["HuntMe"], "set");
    done = await finished(h.huntId, 7);
    expect(done.stats.totalClientsScheduled).toBe(7);
    const members = (await s.engine.hunts.clients(admin, h.huntId)).map((c) => c.clientId).sort();
    expect(members).toEqual([...labelled, ...late].sort());

    // The builtins: hunts() stats and hunt_results() rows with ClientId, FlowId and Fqdn.
    const rows: Array<Record<string, unknown>> = [];
    for await (const e of s.engine.queries.run(`SELECT * FROM hunt_results(hunt_id='${h.huntId}', artifact='Generic.Client.Info/BasicInformation')`, { principal: admin }))
      if (e.kind === "row") rows.push(JSON.parse(toJsonText(e.row)));
    expect(new Set(rows.map((r) => r.ClientId))).toEqual(new Set(members));
    for (const r of rows) {
      expect(String(r.FlowId)).toMatch(/\.H$/);
      expect(r.Fqdn).toBe(pool.agents.find((a) => a.agent.clientId === r.ClientId)!.profile.fqdn);
    }
    // A hunt notebook's cell: source() takes HuntId (and ArtifactName) from the scope, as in
    // Velociraptor's hunt notebooks, and reads the same rows.
    const viaSource: string[] = [];
    for await (const e of s.engine.queries.run(`SELECT ClientId FROM source(source='BasicInformation')`, { principal: admin, env: { HuntId: h.huntId, ArtifactName: "Generic.Client.Info" } }))
      if (e.kind === "row") viaSource.push(String((JSON.parse(toJsonText(e.row)) as { ClientId: string }).ClientId));
    expect(viaSource.sort()).toEqual(rows.map((r) => String(r.ClientId)).sort());
    const stats: unknown[] = [];
    for await (const e of s.engine.queries.run(`SELECT stats.total_clients_with_results AS R, stats.total_finished_clients AS F FROM hunts(hunt_id='${h.huntId}')`, { principal: admin }))
      if (e.kind === "row") stats.push(JSON.parse(toJsonText(e.row)));
    expect(stats).toEqual([{ R: 7, F: 7 }]);
  }, 90_000);

  it("a server-side condition selects exactly the matching clients and is never sent to an agent", async () => {
    const targets = pool.agents.slice(10, 13);
    const secret = `(?i)^(${targets.map((a) => a.profile.hostname).join("|")})$`;
    const condition = `SELECT * FROM rows WHERE Hostname =~ '${secret}'`;
    const before = sent.length;
    const h = await s.engine.hunts.create(admin, { artifacts: ["Generic.Client.Info"], serverCondition: condition });
    const done = await finished(h.huntId, 3);
    await new Promise((r) => setTimeout(r, 500));
    const again = await s.engine.hunts.get(admin, h.huntId);
    expect(again.stats.totalClientsScheduled).toBe(3);
    expect(done.stats.totalClientsWithResults).toBe(3);
    expect((await s.engine.hunts.clients(admin, h.huntId)).map((c) => c.clientId).sort()).toEqual(targets.map((a) => a.agent.clientId).sort());
    const messages = sent.slice(before);
    const collects = messages.filter((m) => (m.message as { type?: string }).type === "collect");
    expect(new Set(collects.map((m) => m.clientId))).toEqual(new Set(targets.map((a) => a.agent.clientId)));
    for (const m of messages) {
      const text = JSON.stringify(m.message);
      expect(text).not.toContain(targets[0]!.profile.hostname);
      expect(text).not.toContain("FROM rows");
    }
  }, 90_000);

  it("a client condition runs on every candidate first; the server condition over its rows picks exactly the matching clients and stays on the server", async () => {
    const targets = pool.agents.slice(14, 16);
    const secret = `(?i)^(${targets.map((a) => a.profile.hostname).join("|")})$`;
    const before = sent.length;
    const h = await s.engine.hunts.create(admin, {
      artifacts: ["Generic.Client.Info"],
      clientCondition: "SELECT Hostname, Fqdn, OS FROM info()",
      serverCondition: `SELECT * FROM rows WHERE Hostname =~ '${secret}'`,
      excludeLabels: ["HuntMe"],
    });
    const done = await waitFor(async () => {
      const x = await s.engine.hunts.get(admin, h.huntId);
      return x.stats.checking === 0 && x.stats.excluded + x.stats.totalClientsScheduled === COUNT - 7 && x.stats.totalFinishedClients === 2 ? x : undefined;
    }, "every candidate checked and both matches finished", 45_000);
    expect(done.stats).toMatchObject({ totalClientsScheduled: 2, totalClientsWithResults: 2, excluded: COUNT - 9 });
    const members = (await s.engine.hunts.clients(admin, h.huntId, { state: "with_results" })).map((c) => c.clientId).sort();
    expect(members).toEqual(targets.map((a) => a.agent.clientId).sort());
    const messages = sent.slice(before).map((m) => ({ clientId: m.clientId, text: JSON.stringify(m.message), type: (m.message as { type?: string }).type }));
    // The client query went to every candidate (not to the 7 excluded by label); the server condition to none.
    const conditionFlows = messages.filter((m) => m.type === "collect" && m.text.includes("FROM info()"));
    expect(new Set(conditionFlows.map((m) => m.clientId)).size).toBe(COUNT - 7);
    for (const m of messages) {
      expect(m.text).not.toContain("FROM rows");
      expect(m.text).not.toContain(targets[0]!.profile.hostname);
    }
  }, 90_000);

  it("the live estimate counts the connected pool as online, and a stopped agent as offline", async () => {
    const all = await s.engine.hunts.estimate(admin, {});
    expect(all).toEqual({ matching: COUNT, online: COUNT });
    const labelled = await s.engine.hunts.estimate(admin, { includeLabels: ["HUNTME"] });
    expect(labelled).toEqual({ matching: 7, online: 7 });
    await pool.agents[0]!.agent.stop();
    await waitFor(async () => (await s.engine.hunts.estimate(admin, { includeLabels: ["huntme"] })).online === 6 || undefined, "the stopped agent offline", 20_000);
    expect(await s.engine.hunts.estimate(admin, { includeLabels: ["huntme"] })).toEqual({ matching: 7, online: 6 });
  }, 60_000);
});
