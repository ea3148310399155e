// parse_evtx() on pooled endpoints, from what the synthetic logs promise (activity/defender.ts
// and events.ts): the Defender operational log holds one intelligence update and one quick scan
// (started, finished three minutes later) per UTC day for its last 14 days, and detections as a
// 1116 followed two seconds later by a 1117 on the same Detection ID, only on endpoints that see
// malware; records are oldest first and none is after "now"; the Security log gives the records
// of recent activity; a Linux endpoint has no event logs.
import { describe, expect, it } from "vitest";
import { runVql, toJsonText } from "@/engine/vql";
import { createSyntheticSystem } from "@/engine/client/pool/system";
import { makeProfile } from "@/engine/client/pool/profiles";
import { seesMalware } from "@/engine/client/pool/activity/defender";
import { findProfile, isLinux, isWindows } from "@/engine/client/pool/testdata/endpoints";
import { poolRegistry } from ".";

type Row = Record<string, any>;
const NOW = Date.UTC(2026, 10, 20, 15, 30, 0);
const DAY = 86_400_000;
const DEFENDER = "C:/Windows/System32/winevt/Logs/Microsoft-Windows-Windows Defender%4Operational.evtx";

async function parse(profile = findProfile("evtx", isWindows), file = DEFENDER, now = NOW): Promise<{ rows: Row[]; logs: string[] }> {
  const rows: Row[] = [];
  const logs: string[] = [];
  const system = createSyntheticSystem(profile, { rate: 2, now: () => now });
  for await (const e of runVql(`SELECT * FROM parse_evtx(filename='${file}')`, { registry: poolRegistry(), host: { system } })) {
    if (e.kind === "row") rows.push(JSON.parse(toJsonText(e.row)));
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

const idOf = (r: Row) => r.System.EventID.Value as number;
const msOf = (r: Row) => r.System.TimeCreated.SystemTime * 1000;

describe("parse_evtx() on a pooled Windows endpoint", () => {
  it("the Defender log: a daily update and scan for 14 days, oldest first, nothing after now", async () => {
    const p = findProfile("evtx", isWindows);
    const { rows, logs } = await parse(p);
    expect(logs.filter((l) => !l.startsWith("DEBUG"))).toEqual([]);
    const times = rows.map(msOf);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Math.floor(NOW / DAY) * DAY - 13 * DAY);
    // Each of the 13 whole days before today has exactly one 2000, one 1000 and one 1001.
    for (let d = 1; d <= 13; d++) {
      const start = Math.floor(NOW / DAY) * DAY - d * DAY;
      const day = rows.filter((r) => msOf(r) >= start && msOf(r) < start + DAY);
      for (const id of [2000, 1000]) expect(day.filter((r) => idOf(r) === id)).toHaveLength(1);
    }
    const scans = rows.filter((r) => idOf(r) === 1000);
    for (const s of scans) {
      const done = rows.find((r) => idOf(r) === 1001 && r.EventData["Scan ID"] === s.EventData["Scan ID"]);
      if (done) expect(msOf(done) - msOf(s)).toBe(180_000);
      else expect(msOf(s) + 180_000).toBeGreaterThan(NOW);
    }
    for (const r of rows) expect(r.System).toMatchObject({ Channel: "Microsoft-Windows-Windows Defender/Operational", Computer: p.fqdn, Provider: { Name: "Microsoft-Windows-Windows Defender" } });
    expect(new Set(rows.map((r) => r.System.EventRecordID)).size).toBe(rows.length);
  });

  it("detections are a 1116 then a 1117 two seconds later, only where the endpoint sees malware", async () => {
    let withDetections = 0;
    let windows = 0;
    for (let i = 0; i < 120; i++) {
      const p = makeProfile("evtx-fleet", i);
      if (p.os !== "windows") continue;
      windows++;
      const { rows } = await parse(p);
      const found = rows.filter((r) => idOf(r) === 1116);
      if (!seesMalware(p)) {
        expect(found).toEqual([]);
        continue;
      }
      if (found.length) withDetections++;
      for (const d of found) {
        expect(d.EventData["Threat Name"]).toMatch(/^[A-Za-z]+:[A-Za-z0-9]+\/[^ ]+$/);
        expect(d.Message).toMatch(/^Microsoft Defender Antivirus has detected malware/);
        const action = rows.find((r) => idOf(r) === 1117 && r.EventData["Detection ID"] === d.EventData["Detection ID"]);
        if (action) expect(msOf(action) - msOf(d)).toBe(2000);
        else expect(msOf(d) + 2000).toBeGreaterThan(NOW);
      }
    }
    // About two Windows endpoints in five see malware, on about half of the 14 days: nearly
    // all of them have a detection in the log.
    expect(withDetections).toBeGreaterThan(windows * 0.25);
    expect(withDetections).toBeLessThan(windows * 0.55);
  });

  it("the Security log gives recent activity's records; other logs and other systems are logged", async () => {
    const { rows, logs } = await parse(undefined, "C:/Windows/System32/winevt/Logs/Security.evtx");
    expect(rows.length).toBeGreaterThan(0);
    // 2,000 activities at 2 per second: the last 1,000 s.
    for (const r of rows) {
      expect(r.System.Channel).toBe("Security");
      expect(msOf(r)).toBeLessThanOrEqual(NOW);
      expect(msOf(r)).toBeGreaterThan(NOW - 1_001_000);
    }
    expect(logs).toEqual([]);
    const other = await parse(undefined, "C:/Windows/System32/winevt/Logs/System.evtx");
    expect(other.rows).toEqual([]);
    expect(other.logs.join()).toMatch(/WARN parse_evtx: .*System\.evtx has no synthetic records/);
    const linux = await parse(findProfile("evtx", isLinux));
    expect(linux.rows).toEqual([]);
    expect(linux.logs.join()).toMatch(/not available on this endpoint \(linux\)/);
  });
});
