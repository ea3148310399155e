// The built-in Windows.Hayabusa.Rules on pooled endpoints: its Sigma rules over the synthetic
// event logs give exactly the records a plain parse_evtx() filter selects (the expected rows come
// from the raw log, not from sigma()), with the rule's title, level and Details; RuleLevel,
// RuleTitleFilter and DateAfter narrow them; ExtraRules adds rules; the process-creation rule
// finds the adversary's renamed schtasks with credentials; Linux endpoints are not its target.
import { describe, expect, it } from "vitest";
import { runVql, toJsonText } from "@/engine/vql";
import { seesMalware } from "./activity/defender";
import { ADVERSARY } from "./activity/people";
import { poolRegistry } from "./plugins";
import { createSyntheticSystem } from "./system";
import { builtinArtifacts, runOnEndpoint } from "./testdata/artifact-runner";
import { adversaryOn, findProfile, isLinux } from "./testdata/endpoints";

type Row = Record<string, any>;
const SEED = "hayabusa";
const DEFENDER = "C:/Windows/System32/winevt/Logs/Microsoft-Windows-Windows Defender%4Operational.evtx";
const artifact = () => builtinArtifacts().get("Windows.Hayabusa.Rules")!;
/** What the artifact requires (an administrator's collection has them). */
const permissions = ["MACHINE_STATE", "EXECVE", "FILESYSTEM_READ", "FILESYSTEM_WRITE"];

async function rawDefender(system: ReturnType<typeof createSyntheticSystem>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const e of runVql(`SELECT * FROM parse_evtx(filename='${DEFENDER}')`, { registry: poolRegistry(), host: { system } })) if (e.kind === "row") rows.push(JSON.parse(toJsonText(e.row)));
  return rows;
}

describe("Windows.Hayabusa.Rules on a pooled Windows endpoint", () => {
  // An endpoint that sees malware and has detections in its 14-day log.
  const victim = findProfile(SEED, (p) => seesMalware(p));

  it("the Defender threat rule returns exactly the detection records after DateAfter, with title, level and details", async () => {
    const system = createSyntheticSystem(victim, { rate: 1 });
    const raw = await rawDefender(system);
    const threatIds = [1006, 1015, 1116, 1117];
    const detections = raw.filter((r) => threatIds.includes(r.System.EventID.Value));
    expect(detections.length).toBeGreaterThan(1);
    // DateAfter halfway through the log: only the later detections.
    const times = detections.map((r) => r.System.TimeCreated.SystemTime as number);
    const after = times[Math.floor(times.length / 2)]! - 1;
    const expected = detections.filter((r) => r.System.TimeCreated.SystemTime >= after).map((r) => r.System.EventRecordID).sort();
    const r = await runOnEndpoint(system, artifact(), { parameters: { RuleTitleFilter: "^Windows Defender Threat Detected$", RuleLevel: "Critical, High", DateAfter: new Date(after * 1000).toISOString() }, timeoutMs: 20_000, permissions });
    expect(r.preconditionPassed).toBe(true);
    expect(r.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    expect(r.rows.map((x) => x.RecordID).sort()).toEqual(expected);
    for (const row of r.rows as Row[]) {
      expect(row).toMatchObject({ Title: "Windows Defender Threat Detected", Level: "high", Channel: "Microsoft-Windows-Windows Defender/Operational", Computer: victim.fqdn });
      expect(row.Details).toBe(`Threat: ${row.EventData["Threat Name"]} | Severity: ${row.EventData["Severity Name"]} | Path: ${row.EventData.Path} | User: ${row.EventData["Detection User"]}`);
    }
  });

  it("RuleLevel leaves out lower levels; ExtraRules adds a rule over the same log", async () => {
    const system = createSyntheticSystem(victim, { rate: 1 });
    const raw = await rawDefender(system);
    const scans = raw.filter((r) => r.System.EventID.Value === 1000).length;
    const extra = "title: Quick Scan Started\nstatus: test\nlevel: medium\nlogsource:\n  product: windows\n  service: windefend\ndetection:\n  s:\n    EventID: 1000\n  condition: s\n";
    const high = await runOnEndpoint(system, artifact(), { parameters: { RuleLevel: "Critical, High", ExtraRules: extra }, timeoutMs: 20_000, permissions });
    expect(high.rows.filter((x) => x.Title === "Quick Scan Started")).toEqual([]);
    const medium = await runOnEndpoint(system, artifact(), { parameters: { RuleLevel: "Critical, High, Medium", ExtraRules: extra }, timeoutMs: 20_000, permissions });
    expect(medium.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    expect(medium.rows.filter((x) => x.Title === "Quick Scan Started")).toHaveLength(scans);
    expect(new Set(medium.rows.map((x) => x.Title))).not.toContain("Logon Failure");
  });

  it("the scheduled-task rule finds the adversary's renamed schtasks with credentials in the Sysmon log", async () => {
    const host = findProfile(SEED, (p) => p.os === "windows" && adversaryOn(p));
    const r = await runOnEndpoint(createSyntheticSystem(host, { rate: 200 }), artifact(), { parameters: { RuleTitleFilter: "Scheduled Task" }, timeoutMs: 20_000, permissions });
    expect(r.rows.length).toBeGreaterThan(0);
    for (const row of r.rows) {
      expect(row).toMatchObject({ Title: "Scheduled Task Created With Credentials On The Command Line", Level: "high", EID: 1 });
      expect(row.EventData).toMatchObject({ Image: ADVERSARY.renamedSchtasks, OriginalFileName: "schtasks.exe" });
    }
  });

  it("does not apply to Linux endpoints", async () => {
    const r = await runOnEndpoint(createSyntheticSystem(findProfile(SEED, isLinux), { rate: 1 }), artifact(), { timeoutMs: 10_000, permissions });
    expect(r.preconditionPassed).toBe(false);
    expect(r.rows).toEqual([]);
  });
});
