// The agent's builtins on this Linux machine, through the VQL engine as collections run them.
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { hardwareAddr, interfaceFlags } from "@/engine/endpoint/builtins/linux/net";
import { createServer } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVql, toJsonValue } from "../../vql";
import { MemoryOutbox } from "../connection/outbox";
import { FlowResponder } from "../responder/responder";
import { agentRegistry } from ".";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import type { AgentVqlHost } from "./host";

const system = createLinuxSystem();
const dir = mkdtempSync(join(tmpdir(), "talon-plugins-"));

async function run(vql: string, o: { host?: AgentVqlHost; signal?: AbortSignal } = {}) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  for await (const e of runVql(vql, { registry: agentRegistry(), host: o.host ?? { system }, signal: o.signal })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

beforeAll(() => {
  mkdirSync(join(dir, "a", "deep", "er"), { recursive: true });
  mkdirSync(join(dir, "b"));
  writeFileSync(join(dir, "a", "one.txt"), "hello world\n");
  writeFileSync(join(dir, "a", "deep", "er", "two.txt"), "two");
  writeFileSync(join(dir, "b", "three.log"), "three");
  symlinkSync(join(dir, "a"), join(dir, "link-to-a"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("agent builtins on Linux", () => {
  it("info() names this host with Velociraptor's columns", async () => {
    const { rows } = await run("SELECT Hostname, OS, Architecture, KernelVersion FROM info()");
    expect(rows).toEqual([{ Hostname: hostname(), OS: "linux", Architecture: expect.any(String), KernelVersion: expect.any(String) }]);
  });

  it("pslist() reads /proc: this process is there with its command line, pid= filters", async () => {
    const all = await run("SELECT Pid, Ppid, Name, CommandLine, Username FROM pslist()");
    const me = all.rows.find((r) => r.Pid === process.pid);
    expect(me).toMatchObject({ Ppid: process.ppid, CommandLine: expect.stringContaining("node") });
    const one = await run(`SELECT Pid FROM pslist(pid=${process.pid})`);
    expect(one.rows).toEqual([{ Pid: process.pid }]);
  });

  it("glob() matches *, ?, {a,b} and ** and does not follow symlinked directories by default", async () => {
    const names = async (globs: string) => (await run(`SELECT OSPath FROM glob(globs=${globs}, root='${dir}')`)).rows.map((r) => String(r.OSPath).slice(dir.length + 1)).sort();
    expect(await names("'**/*.txt'")).toEqual(["a/deep/er/two.txt", "a/one.txt"]);
    expect(await names("'{a,b}/*'")).toEqual(["a/deep", "a/one.txt", "b/three.log"]);
    expect(await names("['*/thr??.log', 'a/one.txt']")).toEqual(["a/one.txt", "b/three.log"]);
    expect(await names("'link-to-a/*.txt'")).toEqual(["link-to-a/one.txt"]);
    const rows = (await run(`SELECT Name, Size, IsDir, Mode FROM glob(globs='${dir}/a/one.txt')`)).rows;
    expect(rows).toEqual([{ Name: "one.txt", Size: 12, IsDir: false, Mode: expect.stringMatching(/^-rw/) }]);
  });

  it("glob(): a trailing ** matches the files below too; Mode has Go's setuid/setgid/sticky letters; Sys has the owner", async () => {
    const names = async (globs: string) => (await run(`SELECT OSPath FROM glob(globs=${globs}, root='${dir}')`)).rows.map((r) => String(r.OSPath).slice(dir.length + 1)).sort();
    expect(await names("'a/**'")).toEqual(["a", "a/deep", "a/deep/er", "a/deep/er/two.txt", "a/one.txt"]);
    const f = join(dir, "b", "three.log");
    chmodSync(f, 0o4750);
    const d = join(dir, "sticky");
    mkdirSync(d);
    chmodSync(d, 0o1777);
    try {
      const rows = (await run(`SELECT Name, Mode, Sys FROM glob(globs=['${f}', '${d}', '/dev/null'])`)).rows;
      // Go's FileMode.String(): one letter per type bit in "dalTLDpSugct" order, then rwx.
      expect(rows).toEqual([
        { Name: "three.log", Mode: "urwxr-x---", Sys: { Uid: process.getuid!(), Gid: process.getgid!() } },
        { Name: "sticky", Mode: "dtrwxrwxrwx", Sys: { Uid: process.getuid!(), Gid: process.getgid!() } },
        { Name: "null", Mode: "Dcrw-rw-rw-", Sys: { Uid: 0, Gid: 0 } },
      ]);
    } finally {
      chmodSync(f, 0o644);
      rmSync(d, { recursive: true });
    }
  });

  it("stat(), read_file() with offset and length, and hash() of a file", async () => {
    const f = join(dir, "a", "one.txt");
    expect((await run(`SELECT Size, IsLink FROM stat(filename='${join(dir, "link-to-a")}')`)).rows).toEqual([{ Size: expect.any(Number), IsLink: true }]);
    expect((await run(`SELECT read_file(filename='${f}', offset=6, length=5) AS D FROM scope()`)).rows).toEqual([{ D: "world" }]);
    const h = (await run(`SELECT hash(path='${f}') AS H FROM scope()`)).rows[0]!.H;
    expect(h).toEqual({
      MD5: createHash("md5").update("hello world\n").digest("hex"),
      SHA1: createHash("sha1").update("hello world\n").digest("hex"),
      SHA256: createHash("sha256").update("hello world\n").digest("hex"),
    });
    const missing = await run(`SELECT read_file(filename='${dir}/nope') AS D FROM scope()`);
    expect(missing.rows).toEqual([{ D: null }]);
    expect(missing.logs.join("\n")).toMatch(/ERROR read_file: .*ENOENT/);
  });

  it("users(), uptime() and interfaces() describe the machine", async () => {
    expect((await run("SELECT Name, Uid FROM users() WHERE Uid = 0")).rows).toEqual([{ Name: "root", Uid: 0 }]);
    const up = (await run("SELECT uptime() AS U FROM scope()")).rows[0]!.U as number;
    expect(up).toBeGreaterThan(0);
    expect((await run("SELECT Name FROM interfaces() WHERE Name = 'lo'")).rows).toEqual([{ Name: "lo" }]);
    // As Go (and so Velociraptor) reports loopback: the kernel's index 1, no hardware address
    // (all zeros is none), flags up|loopback|running; Generic.Client.Info's MAC query skips it.
    const lo = (await run("SELECT * FROM interfaces() WHERE Name = 'lo'")).rows[0]!;
    expect(Object.keys(lo)).toEqual(["Index", "MTU", "Name", "HardwareAddr", "HardwareAddrString", "Flags", "Addrs"]);
    expect(lo).toMatchObject({ Index: Number(readFileSync("/sys/class/net/lo/ifindex", "utf8")), HardwareAddr: "", HardwareAddrString: "", Flags: "up|loopback|running" });
    const macs = (await run("SELECT HardwareAddrString AS MAC FROM interfaces() WHERE HardwareAddr")).rows.map((r) => r.MAC);
    expect(macs).not.toContain("");
    for (const m of macs) expect(String(m)).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
  });

  it("interface flags and hardware addresses read as Go shows them", () => {
    expect(interfaceFlags("0x1003", "up")).toBe("up|broadcast|multicast|running");
    expect(interfaceFlags("0x1003", "down")).toBe("up|broadcast|multicast");
    expect(interfaceFlags("0x1002", "up")).toBe("broadcast|multicast");
    expect(interfaceFlags("0x9", "unknown")).toBe("up|loopback|running");
    expect(interfaceFlags("0x91", "up")).toBe("up|pointtopoint|running");
    expect(hardwareAddr("00:00:00:00:00:00")).toBe("");
    expect(hardwareAddr(undefined)).toBe("");
    expect(hardwareAddr("02:FC:00:00:00:01")).toBe("02:fc:00:00:00:01");
  });

  it("netstat() finds a listening socket of this process with its pid", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const { rows } = await run(`SELECT Pid, Type, Status, Laddr FROM netstat() WHERE Laddr.Port = ${port}`);
      expect(rows).toEqual([{ Pid: process.pid, Type: "TCP", Status: "LISTEN", Laddr: { IP: "127.0.0.1", Port: port } }]);
    } finally {
      server.close();
    }
  });

  it("execve() runs a program only for a collecting user with EXECVE", async () => {
    const outbox = new MemoryOutbox();
    const flow = (perms: string[]) => ({ flowId: "F.1", artifact: "T", responder: new FlowResponder(outbox, "F.1"), permissions: new Set(perms) });
    const denied = await run("SELECT * FROM execve(argv=['echo', 'hi'])", { host: { system, flow: flow([]) } });
    expect(denied.rows).toEqual([]);
    expect(denied.logs.join("\n")).toMatch(/permission denied: `execve\(\)` needs EXECVE/);
    const ok = await run("SELECT Stdout, ReturnCode FROM execve(argv=['echo', 'hi'])", { host: { system, flow: flow(["EXECVE"]) } });
    expect(ok.rows).toEqual([{ Stdout: "hi\n", ReturnCode: 0 }]);
  });

  it("execve() stops within 100 ms when the query is aborted mid-wait", async () => {
    const ac = new AbortController();
    const outbox = new MemoryOutbox();
    const host = { system, flow: { flowId: "F.1", artifact: "T", responder: new FlowResponder(outbox, "F.1"), permissions: new Set(["EXECVE"]) } };
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 200);
    await run("SELECT * FROM execve(argv=['sleep', '10'])", { host, signal: ac.signal }).catch(() => undefined);
    expect(Date.now() - t0).toBeLessThan(300 + 100);
  });

  it("breaking out of a file read closes the file (the producer's finally ran)", async () => {
    const big = join(dir, "big.bin");
    writeFileSync(big, Buffer.alloc(2 * 1024 * 1024, 1));
    const isOpen = () =>
      readdirSync("/proc/self/fd").some((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === big;
        } catch {
          return false;
        }
      });
    for await (const chunk of system.fs.read(big, { signal: new AbortController().signal })) {
      expect(isOpen()).toBe(true);
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    expect(isOpen()).toBe(false);
    const { rows } = await run(`SELECT OSPath FROM glob(globs='**', root='${dir}') LIMIT 1`);
    expect(rows).toHaveLength(1);
  });

  it("upload() outside a collection is refused with a logged error", async () => {
    const { rows, logs } = await run(`SELECT upload(file='${dir}/a/one.txt') AS U FROM scope()`);
    expect(rows).toEqual([{ U: null }]);
    expect(logs.join("\n")).toMatch(/uploads only work inside a collection/);
  });
});
