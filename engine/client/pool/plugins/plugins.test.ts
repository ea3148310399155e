// A pooled endpoint's event sources from first principles, through the pool's Windows plugins and
// the agent's own watch_syslog(): `--event-rate R` means R activities per endpoint per second (on
// Linux each is one syslog line; on Windows each is one Sysmon record or one Security record,
// process creations being in both logs); the same seed gives the same events; rows have
// Velociraptor's shapes; watch_etw's timeout and stop end it quietly; sources an endpoint does
// not have are logged, not fatal.
import { describe, expect, it } from "vitest";
import { runVql, toJsonText } from "@/engine/vql";
import { createSyntheticSystem, type SyntheticSystem } from "@/engine/client/pool/system";
import { makeProfile } from "@/engine/client/pool/profiles";
import { findProfile, isLinux, isWindows } from "@/engine/client/pool/testdata/endpoints";
import { poolRegistry } from ".";

const windows = findProfile("rates", isWindows);
const linux = findProfile("rates", (p) => isLinux(p) && p.platform !== "rhel");

type Row = Record<string, any>;

/** Rows of `vql` for `ms` milliseconds (then aborted), and the log lines. */
async function collect(system: SyntheticSystem, vql: string, ms: number): Promise<{ rows: Row[]; logs: string[] }> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  const rows: Row[] = [];
  const logs: string[] = [];
  try {
    for await (const e of runVql(vql, { registry: poolRegistry(), host: { system }, signal: ac.signal })) {
      if (e.kind === "row") rows.push(JSON.parse(toJsonText(e.row)));
      if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
    }
  } finally {
    clearTimeout(timer);
  }
  return { rows, logs };
}

const SYSMON = "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}";
const LOGS = "['C:/Windows/System32/winevt/Logs/Security.evtx', 'C:/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx']";

describe("--event-rate", () => {
  it("Linux: R lines per second across auth.log and syslog (every activity is one line)", async () => {
    const R = 150;
    const { rows } = await collect(createSyntheticSystem(linux, { rate: R }), "SELECT Line FROM watch_syslog(filename=['/var/log/auth.log', '/var/log/syslog'])", 3200);
    // Lines carry whole seconds: count a second wholly inside the run.
    const bySecond = new Map<string, number>();
    for (const r of rows) {
      const s = String(r.Line).slice(0, 15);
      bySecond.set(s, (bySecond.get(s) ?? 0) + 1);
    }
    const seconds = [...bySecond.values()];
    expect(seconds.length).toBeGreaterThanOrEqual(3);
    for (const n of seconds.slice(1, -1)) expect(Math.abs(n - R)).toBeLessThanOrEqual(1);
  });

  it("Windows: R records per second in the Sysmon and Security logs, not counting 4688 (the Security copy of a process creation)", async () => {
    const R = 200;
    const { rows } = await collect(createSyntheticSystem(windows, { rate: R }), `SELECT System.TimeCreated.SystemTime AS T, System.Channel AS C, System.EventID.Value AS ID FROM watch_evtx(filename=${LOGS}) WHERE NOT (C = 'Security' AND ID = 4688)`, 1800);
    const start = Math.ceil(rows[0]!.T * 2) / 2 + 0.25;
    const inWindow = rows.filter((r) => r.T >= start && r.T < start + 1);
    expect(rows[rows.length - 1]!.T).toBeGreaterThan(start + 1);
    expect(Math.abs(inWindow.length - R)).toBeLessThanOrEqual(1);
    // Every Sysmon process creation has its 4688 twin (same pid, same time).
    const all = await collect(createSyntheticSystem(windows, { rate: R }), `SELECT System.Channel AS C, System.EventID.Value AS ID, EventData.ProcessId AS Pid, EventData.NewProcessId AS NewPid FROM watch_evtx(filename=${LOGS}) WHERE ID IN (1, 4688)`, 800);
    const sysmon = all.rows.filter((r) => r.ID === 1).map((r) => `0x${Number(r.Pid).toString(16)}`);
    const security = all.rows.filter((r) => r.ID === 4688).map((r) => r.NewPid);
    expect(sysmon.length).toBeGreaterThan(10);
    // The last may have been cut off by the end of the run.
    for (const pid of sysmon.slice(0, -1)) expect(security).toContain(pid);
  });

  it("a higher rate gives proportionally more events", async () => {
    const count = async (rate: number) => (await collect(createSyntheticSystem(windows, { rate }), `SELECT * FROM watch_etw(guid='${SYSMON}')`, 1000)).rows.length;
    const [low, high] = [await count(20), await count(200)];
    expect(high / low).toBeGreaterThan(5);
    expect(high / low).toBeLessThan(20);
  });
});

describe("determinism", () => {
  it("two endpoints of the same seed and index see the same events; another index does not", async () => {
    const vql = `SELECT System.ID AS ID, System.TimeStamp AS T, EventData FROM watch_etw(guid='${SYSMON}')`;
    const [a, b, c] = await Promise.all([
      collect(createSyntheticSystem(makeProfile("rates", windows.index), { rate: 100 }), vql, 700),
      collect(createSyntheticSystem(makeProfile("rates", windows.index), { rate: 100 }), vql, 700),
      collect(createSyntheticSystem(makeProfile("rates", windows.index + 1), { rate: 100 }), vql, 700),
    ]);
    const common = a.rows.filter((r) => b.rows.some((x) => x.T === r.T));
    expect(common.length).toBeGreaterThan(20);
    for (const r of common) expect(b.rows.find((x) => x.T === r.T)).toEqual(r);
    expect(c.rows.filter((r) => a.rows.some((x) => JSON.stringify(x.EventData) === JSON.stringify(r.EventData)))).toEqual([]);
  });
});

describe("row shapes", () => {
  it("watch_etw(): System {ID, ProcessID, TimeStamp, Provider, OpCode}, ProviderGUID, EventData; Sysmon's process creation fields", async () => {
    const { rows } = await collect(createSyntheticSystem(windows, { rate: 200 }), `SELECT * FROM watch_etw(guid='${SYSMON}') WHERE System.ID = 1 LIMIT 1`, 5000);
    expect(Object.keys(rows[0]!)).toEqual(["System", "ProviderGUID", "EventData"]);
    expect(Object.keys(rows[0]!.System)).toEqual(["ID", "ProcessID", "TimeStamp", "Provider", "OpCode"]);
    for (const f of ["UtcTime", "ProcessGuid", "ProcessId", "Image", "FileVersion", "Description", "Product", "Company", "OriginalFileName", "CommandLine", "CurrentDirectory", "User", "LogonId", "IntegrityLevel", "Hashes", "ParentProcessId", "ParentImage", "ParentCommandLine", "ParentUser"]) {
      expect(rows[0]!.EventData, f).toHaveProperty(f);
    }
    expect(rows[0]!.EventData.Hashes).toMatch(/^SHA1=[0-9A-F]{40},MD5=[0-9A-F]{32},SHA256=[0-9A-F]{64},IMPHASH=[0-9A-F]{32}$/);
  });

  it("watch_evtx(): 4624 with TargetUserName, LogonType (a number), IpAddress; System with EventID.Value, TimeCreated.SystemTime, EventRecordID, Computer", async () => {
    const { rows } = await collect(createSyntheticSystem(windows, { rate: 200 }), "SELECT * FROM watch_evtx(filename='C:/Windows/System32/winevt/Logs/Security.evtx') WHERE System.EventID.Value = 4624 LIMIT 1", 5000);
    const r = rows[0]!;
    expect(Object.keys(r)).toEqual(["System", "EventData", "Message"]);
    expect(r.System).toMatchObject({ EventID: { Value: 4624 }, Channel: "Security", Computer: windows.fqdn });
    expect(typeof r.System.TimeCreated.SystemTime).toBe("number");
    expect(typeof r.EventData.LogonType).toBe("number");
    expect(r.EventData).toHaveProperty("TargetUserName");
    expect(r.EventData).toHaveProperty("IpAddress");
    expect(r.Message).toMatch(/^An account was successfully logged on\./);
  });

  it("wmi_events(): Raw and Parse with ProcessID, ParentProcessID, ProcessName, TIME_CREATED (FILETIME text); it ends after `wait`", async () => {
    const t0 = Date.now();
    const { rows } = await collect(createSyntheticSystem(windows, { rate: 100 }), "SELECT * FROM wmi_events(query='SELECT * FROM Win32_ProcessStartTrace', namespace='ROOT/CIMV2', wait=1)", 5000);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(rows.length).toBeGreaterThan(5);
    expect(Object.keys(rows[0]!)).toEqual(["Raw", "Parse"]);
    expect(Object.keys(rows[0]!.Parse)).toEqual(["ParentProcessID", "ProcessID", "ProcessName", "SessionID", "Sid", "TIME_CREATED"]);
    const filetime = BigInt(rows[0]!.Parse.TIME_CREATED);
    expect(Number(filetime / 10000n - 11644473600000n)).toBeGreaterThanOrEqual(t0 - 1);
    expect(rows[0]!.Raw).toContain("instance of Win32_ProcessStartTrace");
  });

  it("the agent's watch_syslog(): {OSPath, Line} rows in syslog's format", async () => {
    const { rows } = await collect(createSyntheticSystem(linux, { rate: 100 }), "SELECT * FROM watch_syslog(filename='/var/log/auth.log') LIMIT 5", 5000);
    expect(rows).toHaveLength(5);
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(["OSPath", "Line"]);
      expect(r.Line).toMatch(new RegExp(`^[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ${linux.hostname} (sshd|CRON|sudo)(\\[\\d+\\])?: `));
    }
  });
});

describe("options and other endpoints", () => {
  it("watch_etw(timeout=1) ends after a second, stop= when its lambda is true, both quietly", async () => {
    const t0 = Date.now();
    const timed = await collect(createSyntheticSystem(windows, { rate: 50 }), `SELECT * FROM watch_etw(guid='${SYSMON}', timeout=1)`, 5000);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(timed.rows.length).toBeGreaterThan(5);
    expect(timed.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
    const t1 = Date.now();
    const stopped = await collect(createSyntheticSystem(windows, { rate: 200 }), `SELECT System.ID AS ID FROM watch_etw(guid='${SYSMON}', stop='x => x.System.ID = 22')`, 5000);
    // A DNS query (22) comes within a second at this rate; the watch ended there, before it.
    expect(Date.now() - t1).toBeLessThan(2500);
    expect(stopped.rows.map((r) => r.ID)).not.toContain(22);
  });

  it("a provider, log or file the endpoint has no events for is a warning; a bad GUID is an error", async () => {
    const w = createSyntheticSystem(windows, { rate: 50 });
    expect((await collect(w, "SELECT * FROM watch_etw(guid='{11111111-2222-3333-4444-555555555555}')", 300)).logs.join()).toMatch(/WARN watch_etw: provider \{11111111-2222-3333-4444-555555555555\} has no synthetic events/);
    expect((await collect(w, "SELECT * FROM watch_etw(guid='not-a-guid')", 300)).logs.join()).toMatch(/ERROR watch_etw: `not-a-guid` is not a GUID/);
    expect((await collect(w, "SELECT * FROM watch_evtx(filename='C:/Windows/System32/winevt/Logs/System.evtx')", 300)).logs.join()).toMatch(/WARN watch_evtx: .*System\.evtx has no synthetic events/);
    const l = createSyntheticSystem(linux, { rate: 50 });
    expect((await collect(l, `SELECT * FROM watch_etw(guid='${SYSMON}')`, 300)).logs.join()).toMatch(/WARN watch_etw: ETW is not available on this endpoint \(linux\)/);
  });
});
