// The Velociraptor corpus's own VQL for Windows.Sysinternals.SysmonLogForward,
// Windows.Detection.ProcessCreation, Windows.Events.Trackaccount and Windows.Events.ProcessCreation
// (loaded from the corpus YAML, unchanged) runs on pooled Windows endpoints, and its WHERE
// clauses and parameters find the adversary's activity and nothing else; Talon's built-in
// artifacts of the same names give the same rows. `Artifact.X()` calls resolve to Talon's
// built-ins, as they would for a corpus artifact imported into Talon.
import { describe, expect, it } from "vitest";
import { ADVERSARY } from "./activity/people";
import { createSyntheticSystem } from "./system";
import { builtinArtifacts, corpusArtifact, runOnEndpoint } from "./testdata/artifact-runner";
import { adversaryOn, findProfile, isLinux, isWindows, runsIis } from "./testdata/endpoints";

const SEED = "corpus";
const victim = findProfile(SEED, (p) => isWindows(p) && adversaryOn(p));
const iisVictim = findProfile(SEED, (p) => runsIis(p) && adversaryOn(p));
const linux = findProfile(SEED, isLinux);

type Row = Record<string, unknown>;
const data = (r: Row) => r.EventData as Record<string, unknown>;
const renamedSchtasks = (r: Row) => data(r)?.Image === ADVERSARY.renamedSchtasks;

for (const source of ["corpus", "built-in"] as const) {
  const artifact = (name: string) => (source === "corpus" ? corpusArtifact(name) : builtinArtifacts().get(name)!);

  describe(`${source} Windows.Sysinternals.SysmonLogForward on a pooled Windows endpoint`, () => {
    it("forwards Sysmon events as ID, Timestamp, EventData, the renamed schtasks among them", async () => {
      const r = await runOnEndpoint(createSyntheticSystem(victim, { rate: 200 }), artifact("Windows.Sysinternals.SysmonLogForward"), { timeoutMs: 15_000, until: (rows) => rows.some(renamedSchtasks) });
      expect(r.satisfied).toBe(true);
      expect(Object.keys(r.rows[0]!)).toEqual(["ID", "Timestamp", "EventData"]);
      expect(new Set(r.rows.map((x) => x.ID))).toEqual(new Set([1, 3, 11, 22].filter((id) => r.rows.some((x) => x.ID === id))));
      const hit = r.rows.find(renamedSchtasks)!;
      expect(hit.ID).toBe(1);
      expect(data(hit)).toMatchObject({ OriginalFileName: "schtasks.exe", User: `CORP\\${ADVERSARY.admin}`, ParentImage: "C:\\Windows\\System32\\cmd.exe" });
      expect(data(hit).CommandLine).toContain("/ru system /s srv_dc01 /u adm_peter /p adminpw");
    });
  });

  describe(`${source} Windows.Detection.ProcessCreation on a pooled Windows endpoint`, () => {
    it("with OriginalFileName and CommandLine regexes finds the renamed schtasks and only it", async () => {
      const parameters = { OriginalFileNameRegex: "(?i)^schtasks[.]exe$", CommandLineRegex: "(?i)/ru\\s+system" };
      const r = await runOnEndpoint(createSyntheticSystem(victim, { rate: 200 }), artifact("Windows.Detection.ProcessCreation"), { parameters, timeoutMs: 20_000, until: (rows) => rows.length >= 2 });
      expect(r.preconditionPassed).toBe(true);
      expect(r.satisfied).toBe(true);
      for (const row of r.rows) {
        expect(row).toMatchObject({ ID: 1, Hostname: victim.hostname });
        expect(data(row)).toMatchObject({ Image: ADVERSARY.renamedSchtasks, OriginalFileName: "schtasks.exe", User: "CORP\\adm_peter" });
      }
    });

    it("with the default parameters passes every process creation, ordinary ones included", async () => {
      const r = await runOnEndpoint(createSyntheticSystem(victim, { rate: 200 }), artifact("Windows.Detection.ProcessCreation"), { timeoutMs: 15_000, until: (rows) => rows.length >= 30 });
      expect(r.satisfied).toBe(true);
      expect(r.rows.every((x) => x.ID === 1)).toBe(true);
      expect(r.rows.some((x) => !String(data(x).User).includes(ADVERSARY.admin))).toBe(true);
    });

    it("does not run on a Linux endpoint (its precondition)", async () => {
      const r = await runOnEndpoint(createSyntheticSystem(linux, { rate: 200 }), artifact("Windows.Detection.ProcessCreation"), { timeoutMs: 5_000 });
      expect(r.preconditionPassed).toBe(false);
      expect(r.rows).toEqual([]);
    });
  });

  describe(`${source} Windows.Events.Trackaccount on a pooled Windows server running IIS`, () => {
    it("UserRegex and LogonTypeRegex find adm_peter's RDP and svc_iis's network logons from the pivot, not svc_iis's service logons", async () => {
      const parameters = { UserRegex: `^(${ADVERSARY.admin}|${ADVERSARY.service})$`, LogonTypeRegex: "[3, 10]" };
      const r = await runOnEndpoint(createSyntheticSystem(iisVictim, { rate: 200 }), artifact("Windows.Events.Trackaccount"), {
        parameters,
        timeoutMs: 20_000,
        until: (rows) => new Set(rows.map((x) => x.TargetUserName)).size === 2,
      });
      expect(r.satisfied).toBe(true);
      expect(Object.keys(r.rows[0]!)).toEqual(["EventTime", "EventRecordID", "EventID", "SourceComputer", "TargetUserName", "LogonType", "IpAddress", "TargetWorkstationName", "System", "EventData", "Message"]);
      for (const row of r.rows) {
        expect(row).toMatchObject({ EventID: 4624, SourceComputer: iisVictim.fqdn, IpAddress: ADVERSARY.pivotIp, TargetWorkstationName: ADVERSARY.pivotHost });
        expect(row.LogonType).toBe(row.TargetUserName === ADVERSARY.admin ? 10 : 3);
      }
    });

    it("with LogonType 5 allowed, svc_iis's ordinary service logons come too", async () => {
      const parameters = { UserRegex: `^${ADVERSARY.service}$`, LogonTypeRegex: "[5]" };
      const r = await runOnEndpoint(createSyntheticSystem(iisVictim, { rate: 200 }), artifact("Windows.Events.Trackaccount"), { parameters, timeoutMs: 15_000, until: (rows) => rows.length >= 3 });
      expect(r.satisfied).toBe(true);
      for (const row of r.rows) expect(row).toMatchObject({ TargetUserName: "svc_iis", LogonType: 5, IpAddress: "-" });
    });
  });

  describe(`${source} Windows.Events.ProcessCreation on a pooled Windows endpoint`, () => {
    it("reports WMI process starts two seconds late, with command lines and call chains from the process list", async () => {
      const t0 = Date.now();
      const r = await runOnEndpoint(createSyntheticSystem(victim, { rate: 50 }), artifact("Windows.Events.ProcessCreation"), {
        timeoutMs: 25_000,
        until: (rows) => rows.some((x) => x.Name === "msupd.exe") && rows.some((x) => x.CommandLine),
      });
      expect(r.satisfied).toBe(true);
      expect(Object.keys(r.rows[0]!)).toEqual(["Timestamp", "PPID", "PID", "Name", "CommandLine", "ParentCommandLine", "CallChain"]);
      for (const row of r.rows) expect(Date.parse(String(row.Timestamp))).toBeGreaterThanOrEqual(t0 - 1);
      const withLine = r.rows.find((x) => x.CommandLine)!;
      expect(String(withLine.CommandLine)).toContain(String(withLine.Name));
      expect(String(withLine.CallChain).endsWith(String(withLine.Name))).toBe(true);
      const schtasks = r.rows.find((x) => x.Name === "msupd.exe")!;
      expect(schtasks.ParentCommandLine).toBe('"C:\\Windows\\System32\\cmd.exe"');
    });
  });
}

describe("built-in Windows.Sysinternals.SysmonLogForward", () => {
  it("warns when Sysmon's binary is not where SysmonFileLocation says", async () => {
    const r = await runOnEndpoint(createSyntheticSystem(victim, { rate: 50 }), builtinArtifacts().get("Windows.Sysinternals.SysmonLogForward")!, { parameters: { SysmonFileLocation: "C:/Tools/sysmon64.exe" }, timeoutMs: 5_000, until: (rows) => rows.length > 0 });
    expect(r.logs.join("\n")).toMatch(/WARN Sysmon is not installed at C:\/Tools\/sysmon64\.exe: no events will come/);
  });

  it("Windows.Sysinternals.SysmonInstall reports Sysmon ready on a pooled Windows endpoint", async () => {
    const r = await runOnEndpoint(createSyntheticSystem(victim, { rate: 1 }), builtinArtifacts().get("Windows.Sysinternals.SysmonInstall")!, { timeoutMs: 5_000 });
    expect(r.rows).toEqual([{ Location: "C:/Windows/sysmon64.exe", OSPath: "C:/Windows/Sysmon64.exe", ServicePid: expect.any(Number), Ready: true }]);
  });
});

