// Pooled endpoints run real event artifacts end to end: the client event table on a real server
// sends Windows.Detection.ProcessCreation, Windows.Events.Trackaccount (each with parameters)
// and Linux.Events.SSHLogin to a pool; each endpoint runs the ones that apply to it, and the rows
// that come back are the adversary's, from exactly the endpoints it is on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostsAdversary } from "../client/pool/activity/activity";
import { ADVERSARY } from "../client/pool/activity/people";
import { startPool, type Pool } from "../client/pool/pool";
import type { Principal } from "@/engine/server/contracts";
import { startTestServer, quietAgentLog, waitFor, type TestServer } from "./harness";

const COUNT = 24;

describe("the client event table on a pool", () => {
  let s: TestServer;
  let pool: Pool;
  let admin: Principal;

  beforeAll(async () => {
    s = await startTestServer({ agentHeartbeatMs: 60_000, interrogationsPerSecond: 0 });
    const token = await s.engine.clients.ensureDeploymentToken();
    const first = await s.engine.accounts.ensureFirstAdmin();
    admin = (await s.engine.accounts.principalFor(first.created ? first.username : "admin"))!;
    pool = startPool({ server: s.url, token, count: COUNT, seed: "monitor", eventRate: 50, version: "test", log: quietAgentLog() });
    await pool.allWelcomed();
  }, 60_000);
  afterAll(async () => {
    await pool?.stop();
    await s?.close();
  });

  const adversaryHosts = (os: string) => new Set(pool.agents.filter((a) => a.profile.os === os && hostsAdversary(a.profile)).map((a) => a.agent.clientId));

  it("Windows.Detection.ProcessCreation with parameters finds the renamed schtasks on the adversary's Windows endpoints only", async () => {
    const victims = adversaryHosts("windows");
    expect(victims.size).toBeGreaterThan(0);
    await s.engine.monitoring.addClientArtifact(admin, { artifact: "Windows.Detection.ProcessCreation", parameters: { OriginalFileNameRegex: "(?i)^schtasks[.]exe$", CommandLineRegex: "(?i)/ru\\s+system" } });
    await s.engine.monitoring.addClientArtifact(admin, { artifact: "Windows.Events.Trackaccount", parameters: { UserRegex: `^(${ADVERSARY.admin}|${ADVERSARY.service})$`, LogonTypeRegex: "[3,10]" } });
    await s.engine.monitoring.addClientArtifact(admin, { artifact: "Linux.Events.SSHLogin", parameters: { ResultRegex: "^Accepted$" } });
    const detections = await waitFor(async () => {
      const h = await s.engine.journal.history("Windows.Detection.ProcessCreation", { limit: 1000 });
      return new Set(h.map((e) => e.clientId)).size === victims.size ? h : undefined;
    }, "a detection from every Windows endpoint the adversary is on", 45_000);
    for (const e of detections) {
      expect(victims.has(e.clientId!)).toBe(true);
      expect(e.payload).toMatchObject({ ID: 1, EventData: { Image: ADVERSARY.renamedSchtasks, OriginalFileName: "schtasks.exe" } });
    }
  }, 60_000);

  it("Windows.Events.Trackaccount reports the adversary's logons; Linux.Events.SSHLogin its accepted password", async () => {
    const logons = await waitFor(async () => {
      const h = await s.engine.journal.history("Windows.Events.Trackaccount", { limit: 1000 });
      return new Set(h.map((e) => e.payload.TargetUserName)).size === 2 ? h : undefined;
    }, "adm_peter's and svc_iis's logons", 45_000);
    const windowsVictims = adversaryHosts("windows");
    for (const e of logons) {
      expect(windowsVictims.has(e.clientId!)).toBe(true);
      expect(e.payload).toMatchObject({ EventID: 4624, IpAddress: ADVERSARY.pivotIp });
    }
    const linuxVictims = adversaryHosts("linux");
    expect(linuxVictims.size).toBeGreaterThan(0);
    const logins = await waitFor(async () => {
      const h = await s.engine.journal.history("Linux.Events.SSHLogin", { limit: 1000 });
      const admins = h.filter((e) => e.payload.User === ADVERSARY.admin);
      return admins.length ? h : undefined;
    }, "adm_peter's SSH login", 45_000);
    for (const e of logins.filter((x) => x.payload.User === ADVERSARY.admin)) {
      expect(linuxVictims.has(e.clientId!)).toBe(true);
      expect(e.payload).toMatchObject({ Result: "Accepted", Method: "password", SourceIP: ADVERSARY.externalIp });
    }
  }, 60_000);
});
