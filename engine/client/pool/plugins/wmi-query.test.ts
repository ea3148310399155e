// wmi() on pooled endpoints: the corpus's Generic.Client.Info (WindowsInfo) and
// Generic.Client.DiskSpace run unchanged on a pooled Windows endpoint and report its identity
// (hostname, domain, address, MAC); WQL WHERE filters as WMI does (case-insensitive names and
// strings, uint64 strings compared as numbers, LIKE); what WMI refuses is logged, not fatal; a
// Linux endpoint and the real agent have no wmi().
import { describe, expect, it } from "vitest";
import { agentRegistry } from "@/engine/client/plugins";
import { createSyntheticSystem, type SyntheticSystem } from "@/engine/client/pool/system";
import { corpusArtifact, runOnEndpoint } from "@/engine/client/pool/testdata/artifact-runner";
import { findProfile, isLinux } from "@/engine/client/pool/testdata/endpoints";
import { runVql, toJsonText } from "@/engine/vql";
import { poolRegistry } from ".";

const workstation = findProfile("wmi", (p) => p.kind === "windows-workstation");
const server = findProfile("wmi", (p) => p.kind === "windows-server");
const linux = findProfile("wmi", isLinux);

type Row = Record<string, any>;
/** A subquery column's rows (a one-row subquery comes back as its row). */
const rowsOf = (v: unknown): Row[] => (Array.isArray(v) ? v : [v as Row]);

async function run(system: SyntheticSystem, vql: string): Promise<{ rows: Row[]; logs: string[] }> {
  const rows: Row[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: poolRegistry(), host: { system } })) {
    if (e.kind === "row") rows.push(JSON.parse(toJsonText(e.row)));
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

describe("corpus Generic.Client.Info on a pooled Windows endpoint", () => {
  for (const [p, role] of [
    [workstation, "Member Workstation"],
    [server, "Member Server"],
  ] as const) {
    it(`WindowsInfo reports the ${p.kind}'s computer and network identity`, async () => {
      const r = await runOnEndpoint(createSyntheticSystem(p, { rate: 0 }), corpusArtifact("Generic.Client.Info"), { timeoutMs: 20_000 });
      const info = r.rows.find((x) => "Computer Info" in x)!;
      expect(info, r.logs.join("\n")).toBeDefined();
      const [computer] = rowsOf(info["Computer Info"]);
      // The profile's FQDN is <hostname>.corp.example: the domain is what follows the host name.
      expect(computer).toMatchObject({ DNSHostName: p.hostname, Name: p.hostname.toUpperCase(), Domain: "corp.example", DomainRole: role });
      // uint64 comes as a decimal string in WMI; it is whole GiB less a little reserved memory.
      expect(computer.TotalPhysicalMemory).toMatch(/^\d+$/);
      expect(Number(computer.TotalPhysicalMemory)).toBeGreaterThan(15 * 1024 ** 3);
      // `WHERE IPAddress` leaves the adapter with an address only.
      const network = rowsOf(info["Network Info"]);
      expect(network).toHaveLength(1);
      const n = network[0]!;
      expect(n.MACAddress).toBe(p.mac.toUpperCase());
      expect(n.DNSHostName).toBe(p.hostname);
      expect(n.IPAddresses.split(", ")[0]).toBe(p.ip);
      // The link-local address is fe80:: and the MAC's modified EUI-64 (U/L bit flipped, ff:fe inserted).
      const m = p.mac.split(":").map((x) => parseInt(x, 16));
      const eui = [m[0]! ^ 2, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]] as number[];
      expect(n.IPAddresses.split(", ")[1]).toBe(`fe80::${[0, 2, 4, 6].map((i) => ((eui[i]! << 8) + eui[i + 1]!).toString(16)).join(":")}`);
      expect(n.IPSubnet).toBe("255.255.0.0, 64");
      expect(n.Caption).toMatch(/^\[\d{8}\] /);
    });
  }
});

describe("corpus Generic.Client.DiskSpace on a pooled Windows endpoint", () => {
  it("reports each fixed disk with humanized sizes and the free percentage", async () => {
    const system = createSyntheticSystem(server, { rate: 0 });
    const { rows: disks } = await run(system, "SELECT DeviceID, Size, FreeSpace FROM wmi(query='SELECT DeviceID, Size, FreeSpace FROM Win32_LogicalDisk')");
    expect(disks.map((d) => d.DeviceID)).toEqual(["C:", "D:"]);
    const r = await runOnEndpoint(system, corpusArtifact("Generic.Client.DiskSpace"), { timeoutMs: 20_000 });
    expect(r.rows.map((x) => x.DeviceID)).toEqual(["C:", "D:"]);
    for (const [i, row] of r.rows.entries()) {
      const size = Number(disks[i]!.Size);
      const free = Number(disks[i]!.FreeSpace);
      expect(row.Description).toBe("Local Fixed Disk");
      expect(row["Free%"]).toBe(Math.floor((free / size) * 100));
      // humanize() is in decimal units: 100s of GiB are GB, 1000 GiB is 1.1 TB.
      expect(row.Size).toMatch(/^\d+(\.\d)? [GT]B$/);
    }
  });
});

describe("corpus Windows.System.DNSCache on a pooled Windows endpoint", () => {
  it("lists the DNS client cache's A records, named by the artifact's maps", async () => {
    const r = await runOnEndpoint(createSyntheticSystem(workstation, { rate: 0 }), corpusArtifact("Windows.System.DNSCache"), { timeoutMs: 20_000 });
    expect(r.rows.length, r.logs.join("\n")).toBeGreaterThan(0);
    for (const row of r.rows) {
      // Type 1 is an A record, Status 0 success, Section 1 the answer section (the artifact's maps).
      expect(row).toMatchObject({ RecordType: "A", QueryStatus: "Success", SectionType: "Answer" });
      expect(row.Record).toMatch(/^10\.0\.0\.\d+$/);
      expect(String(row.Name)).toMatch(/\.corp\.example$/);
    }
  });
});

describe("wmi() queries", () => {
  const system = createSyntheticSystem(server, { rate: 0 });

  it("Win32_OperatingSystem matches the endpoint's profile", async () => {
    const { rows } = await run(system, "SELECT * FROM wmi(query='SELECT Caption, Version, BuildNumber, CSName, ProductType FROM Win32_OperatingSystem')");
    expect(rows).toEqual([{ Caption: server.platform, Version: server.platformVersion, BuildNumber: server.platformVersion.split(".")[2], CSName: server.hostname.toUpperCase(), ProductType: 3 }]);
  });

  it("WHERE: names and strings ignore case, LIKE, AND/OR, and uint64 strings compare as numbers", async () => {
    const names = async (q: string) => (await run(system, `SELECT Name FROM wmi(query="${q}", namespace='root\\\\cimv2')`)).rows.map((r) => r.Name);
    expect(await names("select name from win32_service where NAME = 'spooler'")).toEqual(["Spooler"]);
    expect(await names("SELECT Name FROM Win32_Service WHERE Name LIKE 'lanman%' AND State = 'Running'")).toEqual(["LanmanServer", "LanmanWorkstation"]);
    expect(await names("SELECT Name FROM Win32_Service WHERE StartMode = 'Disabled' OR Name = 'wuauserv'")).toEqual(["RemoteRegistry", "wuauserv"]);
    expect(await names("SELECT Name FROM Win32_LogicalDisk WHERE Size > 10")).toEqual(["C:", "D:"]);
    expect(await names("SELECT Name FROM Win32_LogicalDisk WHERE Size < 10")).toEqual([]);
    expect(await names("SELECT Name FROM Win32_Share WHERE NOT Path = ''")).toEqual(["ADMIN$", "C$", "D$", "Data"]);
  });

  it("a running service's ProcessId is a process of the endpoint's table; a stopped one's is 0", async () => {
    const { rows } = await run(system, "SELECT Name, ProcessId, State FROM wmi(query='SELECT * FROM Win32_Service')");
    const { rows: procs } = await run(system, "SELECT Pid, Name FROM pslist()");
    const spooler = rows.find((r) => r.Name === "Spooler")!;
    expect(procs.find((x) => x.Pid === spooler.ProcessId)?.Name).toBe("spoolsv.exe");
    expect(rows.find((r) => r.Name === "wuauserv")).toEqual({ Name: "wuauserv", ProcessId: 0, State: "Stopped" });
  });

  it("MSFT_NetNeighbor's entries are on the interface interfaces() reports, the gateway reachable", async () => {
    const { rows } = await run(system, "SELECT AddressFamily, InterfaceIndex, IPAddress, State FROM wmi(namespace='ROOT\\\\StandardCimv2', query='SELECT * FROM MSFT_NetNeighbor')");
    const { rows: ifs } = await run(system, "SELECT Index FROM interfaces()");
    expect(new Set(rows.map((r) => r.InterfaceIndex))).toEqual(new Set(ifs.map((i) => i.Index)));
    const [a, b] = server.ip.split(".");
    // State 5 is Reachable, 6 Permanent (the broadcast and multicast entries).
    expect(rows.find((r) => r.IPAddress === `${a}.${b}.0.1`)).toMatchObject({ AddressFamily: 2, State: 5 });
    expect(rows.find((r) => r.IPAddress === `${a}.${b}.255.255`)).toMatchObject({ AddressFamily: 2, State: 6 });
  });

  it("__NAMESPACE in ROOT lists namespaces; permanent event subscriptions exist and are empty", async () => {
    const { rows } = await run(system, "SELECT Name FROM wmi(namespace='ROOT', query='SELECT * FROM __namespace')");
    expect(rows.map((r) => r.Name)).toContain("subscription");
    expect((await run(system, "SELECT * FROM wmi(namespace='root/subscription', query='SELECT * FROM __FilterToConsumerBinding')")).rows).toEqual([]);
  });

  it("what WMI refuses is logged as an error and gives no rows", async () => {
    const cases: Array<[string, string, RegExp]> = [
      ["SELECT * FROM Win32_NoSuchClass", "ROOT/CIMV2", /^ERROR wmi: Invalid class `Win32_NoSuchClass` in ROOT\/CIMV2/],
      ["SELECT * FROM Win32_BIOS", "ROOT/Nowhere", /^ERROR wmi: Invalid namespace `ROOT\/Nowhere`/],
      ["SELECT Nope FROM Win32_BIOS", "ROOT/CIMV2", /^ERROR wmi: Invalid query: Win32_BIOS has no property `Nope`/],
      ["SELECT * FROM Win32_BIOS WHERE", "ROOT/CIMV2", /^ERROR wmi: WQL: expected a condition, found the end of the query at position 30$/],
    ];
    for (const [q, ns, re] of cases) {
      const { rows, logs } = await run(system, `SELECT * FROM wmi(query='${q}', namespace='${ns}')`);
      expect(rows).toEqual([]);
      expect(logs.some((l) => re.test(l)), `${q}: ${logs.join(" | ")}`).toBe(true);
    }
  });

  it("a Linux pooled endpoint has no WMI; the real agent has no wmi() at all", async () => {
    const { rows, logs } = await run(createSyntheticSystem(linux, { rate: 0 }), "SELECT * FROM wmi(query='SELECT * FROM Win32_BIOS')");
    expect(rows).toEqual([]);
    expect(logs).toContain("ERROR wmi: WMI exists on Windows endpoints only");
    expect(agentRegistry().all.some((b) => b.name === "wmi")).toBe(false);
  });
});
