// audit(): records put together into events (EOE ends a syscall's, user messages stand alone,
// an event without EOE comes out 2 s after its first record), the reasons it cannot run, and —
// where the addon is built and this is root — a real message through the kernel's audit
// multicast group (a USER_AVC sent on a second netlink socket, which the kernel logs even
// when auditing is off).
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runVql, toJsonValue } from "@/engine/vql";
import { agentRegistry } from ".";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { auditAvailability } from "@/engine/endpoint/builtins/linux/audit-netlink";
import type { AuditSource, EndpointSystem } from "@/engine/endpoint/builtins/system";

const linux = createLinuxSystem();

async function run(vql: string, system: EndpointSystem, o: { clock?: () => number; signal?: AbortSignal } = {}) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host: { system }, clock: o.clock, signal: o.signal })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

/** An endpoint whose kernel sends these records (null: a quiet moment), then nothing. */
function withRecords(records: Array<{ type: string; text: string } | null>, onNull?: () => void): EndpointSystem {
  const audit: AuditSource = {
    unavailable: () => undefined,
    async *follow() {
      for (const r of records) {
        if (r === null) onNull?.();
        yield r;
      }
    },
  };
  return { ...linux, events: { ...linux.events!, audit } };
}

describe("audit()", () => {
  it("puts a syscall's records together up to its EOE; a user message is an event of its own", async () => {
    const { rows } = await run(
      "SELECT Sequence, RecordType, Result, Process, Paths.name AS Paths, Records FROM audit()",
      withRecords([
        { type: "SYSCALL", text: 'audit(1700000000.100:42): arch=c000003e syscall=59 success=yes exit=0 ppid=1 pid=77 auid=1000 uid=0 comm="ls" exe="/usr/bin/ls"' },
        { type: "USER_AVC", text: "audit(1700000000.150:43): pid=5 uid=0 msg='avc: received policyload notice'" },
        { type: "EXECVE", text: 'audit(1700000000.100:42): argc=2 a0="ls" a1="-l"' },
        { type: "PATH", text: 'audit(1700000000.100:42): item=0 name="/usr/bin/ls" inode=12' },
        { type: "EOE", text: "audit(1700000000.100:42): " },
      ]),
    );
    expect(rows).toEqual([
      { Sequence: 43, RecordType: "USER_AVC", Result: "unknown", Process: { pid: "5" }, Paths: [], Records: ["USER_AVC"] },
      { Sequence: 42, RecordType: "SYSCALL", Result: "success", Process: { pid: "77", ppid: "1", name: "ls", exe: "/usr/bin/ls", args: ["ls", "-l"] }, Paths: ["/usr/bin/ls"], Records: ["SYSCALL", "EXECVE", "PATH"] },
    ]);
  });

  it("adds Tags (rule keys) and Summary.Actor, and finds members in any case, as Linux.Events.ProcessExecutions reads them", async () => {
    const { rows } = await run(
      "SELECT Process.PID AS Pid, Process.Exe AS Exe, Summary.Actor.Primary AS Actor, Tags, 'procmon' in Tags AS Procmon FROM audit()",
      withRecords([
        { type: "SYSCALL", text: 'audit(1700000000.100:60): syscall=59 success=yes pid=77 auid=1000 uid=0 exe="/usr/bin/id" key="procmon"' },
        { type: "EOE", text: "audit(1700000000.100:60): " },
        { type: "USER_AVC", text: "audit(1700000000.150:61): pid=5 uid=0 auid=4294967295 msg='x=1'" },
      ]),
    );
    expect(rows).toEqual([
      { Pid: "77", Exe: "/usr/bin/id", Actor: "1000", Tags: ["procmon"], Procmon: true },
      { Pid: "5", Exe: null, Actor: "4294967295", Tags: [], Procmon: false },
    ]);
  });

  it("emits an event whose EOE never comes 2 s after its first record", async () => {
    let now = 1_000_000;
    const { rows } = await run(
      "SELECT Sequence, Records FROM audit()",
      withRecords([{ type: "SYSCALL", text: "audit(1700000000.100:50): syscall=2 success=no pid=9" }, null, null], () => (now += 1500)),
      { clock: () => now },
    );
    expect(rows).toEqual([{ Sequence: 50, Records: ["SYSCALL"] }]);
  });

  it("logs why it cannot run and returns no rows: no addon, or no audit events on this endpoint", async () => {
    const noAddon: EndpointSystem = { ...linux, events: { ...linux.events!, audit: { unavailable: () => "the audit netlink addon is not built", follow: () => [] as never } } };
    const a = await run("SELECT * FROM audit()", noAddon);
    expect(a.rows).toEqual([]);
    expect(a.logs).toContain("ERROR audit: the audit netlink addon is not built");
    const none: EndpointSystem = { ...linux, events: undefined };
    expect((await run("SELECT * FROM audit()", none)).logs).toContain("ERROR audit: this endpoint has no audit events");
  });
});

const SEND_USER_AVC = `
import socket, struct, time
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
s.bind((0, 0))
text = b"talon_marker=42\\0"
for i in range(200):
    s.send(struct.pack("=IHHII", 16 + len(text), 1107, 1 | 4, i + 1, 0) + text)
    time.sleep(0.1)
`;

/** This process's NETLINK_AUDIT sockets (descriptors whose inode /proc/net/netlink lists with protocol 9). */
function sockets(): number {
  const audit = new Set(
    readFileSync("/proc/self/net/netlink", "utf8")
      .split("\n")
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[1] === "9")
      .map((c) => c[c.length - 1]),
  );
  return readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return audit.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1] ?? "");
    } catch {
      return false;
    }
  }).length;
}

describe.skipIf(auditAvailability() !== undefined || process.getuid?.() !== 0)("audit() on this kernel", () => {
  it("receives a message the kernel logs through its audit multicast group", async () => {
    const baseline = sockets();
    // One sender for the whole test (a python start-up takes seconds on a loaded machine).
    const sender = execFile("python3", ["-c", SEND_USER_AVC], () => {});
    try {
      const { rows, logs } = await run("SELECT RecordType, Data.talon_marker AS Marker FROM audit() WHERE Data.talon_marker LIMIT 1", linux, { signal: AbortSignal.timeout(15000) });
      expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
      expect(rows).toEqual([{ RecordType: "USER_AVC", Marker: "42" }]);
      // The netlink socket is closed once its last read returns (at most 250 ms after the LIMIT).
      for (let i = 0; i < 20 && sockets() > baseline; i++) await new Promise((r) => setTimeout(r, 50));
      expect(sockets()).toBeLessThanOrEqual(baseline);
    } finally {
      sender.kill();
    }
  }, 20000);
});
