// The advanced labelling case, end to end: an administrator edits Generic.Client.Info (saved as
// Custom.Generic.Client.Info) to add a RecentDefenderDetections source that calls
// Windows.Hayabusa.Rules (Sigma over the endpoint's Defender log, with RuleLevel, RuleStatus,
// RuleTitleFilter and DateAfter), and adds a SERVER_EVENT artifact, LabelRecentDefenderDetections,
// that labels each interrogated client by whether that source found anything. Pooled endpoints
// enrol and are interrogated; exactly the Windows endpoints whose Defender log has a threat
// detection in the past day get "Recent Threat Detection". The expected set comes from a plain
// collection of the raw log (parse_evtx() filtered by event id and time), not from sigma().
// Re-interrogation keeps the label exact in both directions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPool, type Pool } from "../client/pool/pool";
import type { Principal } from "@/engine/server/contracts";
import { testDatabaseTargets } from "../../drizzle/testing";
import { startTestServer, waitFor, type TestServer } from "./harness";

const COUNT = 60;
const LABEL = "Recent Threat Detection";

const RECENT_SOURCE = `
  - name: RecentDefenderDetections
    description: Defender threat detections of the past day (Sigma, Windows.Hayabusa.Rules).
    precondition: SELECT OS FROM info() WHERE OS = 'windows'
    query: |
      SELECT * FROM Artifact.Windows.Hayabusa.Rules(
        RuleLevel='Critical, High', RuleStatus='All',
        RuleTitleFilter='Windows Defender Threat Detected',
        DateAfter=timestamp(epoch=now() - 86400))
`;

const LABELLER = `
name: LabelRecentDefenderDetections
description: |
  Labels every interrogated client "${LABEL}" when its interrogation found a
  recent Defender detection, and removes the label when it did not.
type: SERVER_EVENT
sources:
  - query: |
      LET Interrogations = SELECT ClientId, FlowId, Flow
        FROM watch_monitoring(artifact='System.Flow.Completion')
        WHERE Flow.artifacts_with_results =~ 'Generic.Client.Info/BasicInformation'

      SELECT * FROM foreach(row=Interrogations, query={
        SELECT ClientId,
               label(client_id=ClientId, labels='${LABEL}',
                     op=if(condition=Flow.artifacts_with_results =~ 'Generic.Client.Info/RecentDefenderDetections',
                           then='set', else='remove')) AS Labelled
        FROM scope()
      })
`;

// The oracle: the raw Defender log's threat records (the ids the rule names) of the past day.
const ORACLE = `
name: Test.RawRecentDefenderDetections
type: CLIENT
sources:
  - query: |
      SELECT System.EventRecordID AS RecordID
      FROM parse_evtx(filename='C:/Windows/System32/winevt/Logs/Microsoft-Windows-Windows Defender%4Operational.evtx')
      WHERE System.EventID.Value IN (1006, 1015, 1116, 1117)
        AND System.TimeCreated.SystemTime > now() - 86400
`;

for (const target of testDatabaseTargets()) describe(`labelling clients from a Sigma detection at interrogation on ${target.name}`, () => {
  let s: TestServer;
  let pool: Pool;
  let admin: Principal;

  beforeAll(async () => {
    s = await startTestServer({ database: await target.open(), agentHeartbeatMs: 60_000 });
    // A real administrator: a server event query runs as the user who added it.
    const first = await s.engine.accounts.ensureFirstAdmin();
    admin = (await s.engine.accounts.principalFor(first.created ? first.username : "admin"))!;
    const custom = (await s.engine.artifacts.editableYaml(admin, "Generic.Client.Info")).trimEnd() + "\n" + RECENT_SOURCE;
    expect((await s.engine.artifacts.set(admin, custom)).name).toBe("Custom.Generic.Client.Info");
    await s.engine.artifacts.set(admin, LABELLER);
    await s.engine.artifacts.set(admin, ORACLE, { prefix: "" });
    await s.engine.monitoring.setServerTable(admin, [{ artifact: "LabelRecentDefenderDetections" }]);
    // An event query sees only what happens while it watches (as in Velociraptor): before the
    // endpoints enrol, wait until the labeller handles a completion (a canary for a client that
    // does not exist: its label() call fails and is logged, the row still counts).
    const canary = { ClientId: "C.00000000000000ca", FlowId: "F.CANARY", Flow: { state: "FINISHED", artifacts_with_results: ["Generic.Client.Info/BasicInformation"], request: { creator: "canary" } } };
    await waitFor(async () => {
      await s.engine.journal.appendFor("System.Flow.Completion", [{ clientId: canary.ClientId, row: canary }]);
      const status = (await s.engine.monitoring.serverStatus(admin)).find((x) => x.artifact === "LabelRecentDefenderDetections");
      return (status?.rows ?? 0) > 0;
    }, "the labeller to watch System.Flow.Completion", 60_000);
    const token = await s.engine.clients.ensureDeploymentToken();
    pool = startPool({ server: s.url, token, count: COUNT, seed: "defender-labels", version: "test", log: () => {} });
  }, 120_000);
  afterAll(async () => {
    await pool?.stop();
    await s?.close();
  });

  const labelled = async () => new Set((await s.engine.clients.search(admin, { query: "all", limit: 1000 })).items.filter((c) => c.labels.includes(LABEL)).map((c) => c.clientId));

  async function expectedSet(): Promise<{ expected: Set<string>; windows: string[] }> {
    const windows = pool.agents.filter((a) => a.profile.os === "windows").map((a) => a.agent.clientId);
    const flows = await Promise.all(windows.map((clientId) => s.engine.flows.collect(admin, { clientId, artifacts: ["Test.RawRecentDefenderDetections"] })));
    await waitFor(async () => (await Promise.all(flows.map((f) => s.engine.flows.get(admin, f.clientId, f.flowId)))).every((f) => f.state === "FINISHED"), "the oracle collections", 60_000);
    const expected = new Set<string>();
    for (const f of flows) if ((await s.engine.flows.get(admin, f.clientId, f.flowId)).totalRows > 0) expected.add(f.clientId);
    return { expected, windows };
  }

  it("labels exactly the Windows endpoints with a Defender detection in the past day", async () => {
    await pool.allWelcomed();
    await waitFor(async () => (await s.engine.clients.search(admin, { query: "all", limit: 1000 })).items.filter((c) => c.hostname).length === COUNT, "every endpoint interrogated", 60_000);
    const { expected, windows } = await expectedSet();
    // The case can fail both ways: some Windows endpoints have a recent detection, some do not.
    expect(expected.size).toBeGreaterThan(0);
    expect(expected.size).toBeLessThan(windows.length);
    console.log(`${expected.size} of ${windows.length} Windows endpoints (of ${COUNT}) have a Defender detection in the past day`);
    await waitFor(async () => {
      const got = await labelled();
      return got.size === expected.size && [...expected].every((id) => got.has(id));
    }, "the labels to match the detections", 60_000).catch(async (err: Error) => {
      const got = await labelled();
      const status = await s.engine.monitoring.serverStatus(admin);
      throw new Error(`${err.message}: labelled ${[...got].sort().join(",")}; expected ${[...expected].sort().join(",")}; labeller ${JSON.stringify(status)}`);
    });
    expect([...(await labelled())].sort()).toEqual([...expected].sort());
    // The label search finds the same clients (a quoted label with spaces).
    expect((await s.engine.clients.search(admin, { query: `label:"${LABEL}"`, limit: 1000 })).items.map((c) => c.clientId).sort()).toEqual([...expected].sort());
    // The interrogation's own source has the Sigma rows: the rule's title on each.
    const one = [...expected][0]!;
    const flows = await s.engine.flows.list(admin, one, { limit: 20, artifact: "Custom.Generic.Client.Info" });
    const interrogation = flows.items[0]!;
    const rows = await s.engine.flows.results(admin, { clientId: one, flowId: interrogation.flowId, artifact: "Custom.Generic.Client.Info/RecentDefenderDetections" });
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const r of rows.rows) expect(r).toMatchObject({ Title: "Windows Defender Threat Detected", Level: "high" });
  }, 180_000);

  it("re-interrogation keeps the label exact: restored where it was removed by hand, removed where it was added", async () => {
    const { expected, windows } = await expectedSet();
    const detected = [...expected][0]!;
    const clean = windows.find((id) => !expected.has(id))!;
    await s.engine.clients.label(admin, [detected], [LABEL], "remove");
    await s.engine.clients.label(admin, [clean], [LABEL], "set");
    expect((await labelled()).has(detected)).toBe(false);
    await s.engine.interrogation.interrogate(admin, detected);
    await s.engine.interrogation.interrogate(admin, clean);
    await waitFor(async () => {
      const got = await labelled();
      return got.has(detected) && !got.has(clean);
    }, "re-interrogation to restore and remove the labels", 60_000);
  }, 180_000);
});
