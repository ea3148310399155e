// watch_ebpf(): packets decoded from bytes built here by the RFCs' layouts (IPv4/IPv6, UDP/TCP,
// DNS with name compression, an HTTP request head) into tracee's shapes; the arguments'
// checks (unserved events warned about, a policy's events, a bad regex, no addon); and, as
// root with the addon built, real events from this kernel: a process spawned here (its exec and
// exit rows), a DNS query to a UDP server on 127.0.0.1:53 (or another loopback address), an
// HTTP request to a local server, and the corpus's four artifacts that call watch_ebpf() run
// over them (the process tracker keeps ids as strings).
import { execFile } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { createServer, request, type Server } from "node:http";
import { describe, expect, it } from "vitest";
import { resolveParameters, compileArtifact } from "@/engine/artifacts";
import { MemoryOutbox } from "@/engine/client/connection/outbox";
import { createVqlRunner } from "@/engine/client/executor/vql-runner";
import { FlowResponder } from "@/engine/client/responder/responder";
import { corpusArtifact } from "@/engine/client/pool/testdata/artifact-runner";
import { runVql, toJsonValue } from "@/engine/vql";
import { agentRegistry } from ".";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { kernelEventsAvailability } from "@/engine/endpoint/builtins/linux/kernel-events";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import { canonicalHeader, decodeDns, decodeHttpRequest, decodeIp, ipv6 } from "./ebpf-packets";
import { packetRows, policyEvents } from "./ebpf";

const linux = createLinuxSystem();

async function run(vql: string, system: EndpointSystem, o: { signal?: AbortSignal; until?: (rows: Record<string, unknown>[]) => boolean } = {}) {
  const rows: Record<string, unknown>[] = [];
  const logs: string[] = [];
  try {
    for await (const e of runVql(vql, { registry: agentRegistry(), host: { system }, signal: o.signal })) {
      if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
      if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
      if (o.until?.(rows)) break;
    }
  } catch (e) {
    if (!o.signal?.aborted) throw e;
  }
  return { rows, logs };
}

const json = (v: unknown) => toJsonValue(v);

/** A DNS query for `name` (type A, class IN, recursion desired), id 0x1234. */
function dnsQuery(name: string, id = 0x1234): Buffer {
  const labels = name.split(".").flatMap((l) => [Buffer.from([l.length]), Buffer.from(l)]);
  return Buffer.concat([Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

/** The answer to `query`: QR, RD, RA set; one A record pointing back at the question's name (0xc00c). */
function dnsAnswer(query: Buffer, ip: number[]): Buffer {
  const head = Buffer.from(query);
  head[2] = 0x81;
  head[3] = 0x80;
  head[7] = 1; // ANCOUNT 1
  return Buffer.concat([head, Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, ...ip])]);
}

function ipv4Udp(src: number[], dst: number[], sport: number, dport: number, payload: Buffer): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(sport, 0);
  udp.writeUInt16BE(dport, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  Buffer.from(src).copy(ip, 12);
  Buffer.from(dst).copy(ip, 16);
  return Buffer.concat([ip, udp, payload]);
}

function ipv6Tcp(src: Buffer, dst: Buffer, sport: number, dport: number, payload: Buffer): Buffer {
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(sport, 0);
  tcp.writeUInt16BE(dport, 2);
  tcp[12] = 5 << 4;
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(20 + payload.length, 4);
  ip[6] = 6;
  ip[7] = 64;
  src.copy(ip, 8);
  dst.copy(ip, 24);
  return Buffer.concat([ip, tcp, payload]);
}

describe("watch_ebpf() packet decoding", () => {
  it("writes IPv6 addresses as Go does: the longest run of zero groups as ::", () => {
    const a = Buffer.alloc(16);
    a[15] = 1;
    expect(ipv6(a, 0)).toBe("::1");
    expect(ipv6(Buffer.from("20010db8000000000001000000000001", "hex"), 0)).toBe("2001:db8::1:0:0:1");
    expect(ipv6(Buffer.from("fe800000000000000202b3fffe1e8329", "hex"), 0)).toBe("fe80::202:b3ff:fe1e:8329");
    expect(ipv6(Buffer.from("00000000000000000000ffffc0000201", "hex"), 0)).toBe("::ffff:192.0.2.1");
  });

  it("decodes a DNS query over IPv4/UDP into tracee's net_packet_dns and net_packet_dns_request", () => {
    const p = decodeIp(ipv4Udp([10, 0, 0, 5], [10, 0, 0, 1], 40000, 53, dnsQuery("www.example.org")))!;
    expect(p).toMatchObject({ src: "10.0.0.5", dst: "10.0.0.1", protocol: 17, srcPort: 40000, dstPort: 53 });
    const rows = packetRows(p, "egress", new Set(["net_packet_dns", "net_packet_dns_request", "net_packet_dns_response"]));
    expect(rows.map((r) => r.name)).toEqual(["net_packet_dns", "net_packet_dns_request"]);
    const dns = Object.fromEntries(rows[0]!.data.map(([k, v]) => [k, json(v)]));
    expect(dns).toMatchObject({ src: "10.0.0.5", dst: "10.0.0.1", src_port: 40000, dst_port: 53, metadata: { direction: 2 } });
    expect(dns.proto_dns).toMatchObject({ ID: 0x1234, QR: 0, opCode: "query", RD: 1, responseCode: "no error", QDCount: 1, ANCount: 0, questions: [{ name: "www.example.org", type: "A", class: "IN" }], answers: [] });
    expect(json(rows[1]!.data[1]![1])).toEqual([{ query: "www.example.org", query_type: "A", query_class: "IN" }]);
    expect(json(rows[1]!.data[0]![1])).toEqual({ src_ip: "10.0.0.5", dst_ip: "10.0.0.1", src_port: 40000, dst_port: 53, protocol: 17, packet_len: 20 + 8 + dnsQuery("www.example.org").length, iface: "any" });
  });

  it("decodes an answer with a compressed name: the record's IP, TTL, and the response event", () => {
    const msg = dnsAnswer(dnsQuery("example.com"), [93, 184, 216, 34]);
    const dns = json(decodeDns(msg)) as Record<string, unknown>;
    expect(dns).toMatchObject({ QR: 1, RA: 1, ANCount: 1 });
    expect((dns.answers as unknown[])[0]).toMatchObject({ name: "example.com", type: "A", class: "IN", TTL: 3600, IP: "93.184.216.34", CNAME: "", TXTs: [] });
    const p = decodeIp(ipv4Udp([10, 0, 0, 1], [10, 0, 0, 5], 53, 40000, msg))!;
    const [, resp] = packetRows(p, "ingress", new Set(["net_packet_dns", "net_packet_dns_response"]));
    expect(json(resp!.data[1]![1])).toEqual([{ query_data: { query: "example.com", query_type: "A", query_class: "IN" }, dns_answer: [{ answer_type: "A", ttl: 3600, answer: "93.184.216.34" }] }]);
    expect(json(packetRows(p, "ingress", new Set(["net_packet_dns"]))[0]!.data[4]![1])).toEqual({ direction: 1 });
  });

  it("refuses a truncated DNS message and a pointer loop", () => {
    expect(decodeDns(dnsQuery("example.com").subarray(0, 20))).toBeUndefined();
    const loop = Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
    expect(decodeDns(loop)).toBeUndefined();
  });

  it("decodes an HTTP request over IPv6/TCP as Go's net/http reads it", () => {
    const head = "GET /a%20b/c?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nuser-agent: talon-test\r\nAccept: */*\r\naccept: text/html\r\n\r\n";
    const src = Buffer.alloc(16);
    src[15] = 1;
    const p = decodeIp(ipv6Tcp(src, src, 50000, 8080, Buffer.from(head)))!;
    expect(p).toMatchObject({ src: "::1", dst: "::1", protocol: 6, srcPort: 50000, dstPort: 8080 });
    const [r] = packetRows(p, "egress", new Set(["net_packet_http_request"]));
    expect(r!.name).toBe("net_packet_http_request");
    expect(json(r!.data[1]![1])).toEqual({ method: "GET", protocol: "HTTP/1.1", host: "example.com:8080", uri_path: "/a b/c", headers: { Accept: ["*/*", "text/html"], "User-Agent": ["talon-test"] }, content_length: 0 });
    expect(json(decodeHttpRequest(Buffer.from("POST http://h.test/p HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")))).toMatchObject({ host: "h.test", uri_path: "/p", content_length: -1 });
    // Not a request, or a head not complete in this packet.
    expect(decodeHttpRequest(Buffer.from("HTTP/1.1 200 OK\r\n\r\n"))).toBeUndefined();
    expect(decodeHttpRequest(Buffer.from("GET / HTTP/1.1\r\nHost: x"))).toBeUndefined();
    expect(canonicalHeader("x-forwarded-FOR")).toBe("X-Forwarded-For");
  });

  it("reads a tracee policy's events and whether it has filters", () => {
    expect(() => policyEvents("spec:\n  rules:\n    - filters: []\n")).toThrow(/not a tracee policy \(spec.rules.0.event/);
    expect(policyEvents("metadata:\n  name: p\nspec:\n  scope:\n    - global\n  rules:\n    - event: security_file_open\n      filters:\n        - args.pathname=/home/*\n    - event: sched_process_exec\n")).toEqual({ events: ["security_file_open", "sched_process_exec"], filtered: true });
  });
});

describe("watch_ebpf() arguments", () => {
  const fake = (unavailable?: string): EndpointSystem => ({
    ...linux,
    events: { ...linux.events!, kernel: { unavailable: () => unavailable, processEvents: async function* () {}, packets: async function* () {}, task: async () => undefined, socketOwner: async () => undefined } },
  });

  it("warns once, naming the events it does not serve, and errors when none is served", async () => {
    const some = await run("SELECT * FROM watch_ebpf(events=['kill', 'sched_process_exec', 'mount', 'kill'])", fake());
    expect(some.logs).toEqual(["WARN watch_ebpf: these events are not available on Talon (no eBPF; see docs/vql-differences.md): kill, mount"]);
    const none = await run("SELECT * FROM watch_ebpf(events='openat')", fake());
    expect(none.logs[1]).toMatch(/^ERROR watch_ebpf: none of the requested events is served on Talon \(served: sched_process_fork, sched_process_exec/);
    expect((await run("SELECT * FROM watch_ebpf()", fake())).logs).toEqual(["ERROR watch_ebpf: should provide a policy or a list of events"]);
    expect((await run("SELECT * FROM watch_ebpf(events='net_packet_dns', regex_prefilter='(')", fake())).logs[0]).toMatch(/^ERROR watch_ebpf: Unable to compile regex_prefilter/);
  });

  it("drops events beyond 256 being looked up, and says how many (with the kernel's own drops)", async () => {
    const exec = (i: number) => ({ kind: "exec" as const, pid: 1000 + i, tgid: 1000 + i, cpu: 0, monotonicNs: process.hrtime.bigint() });
    const flood: EndpointSystem = {
      ...linux,
      events: {
        ...linux.events!,
        kernel: {
          unavailable: () => undefined,
          async *processEvents() {
            yield { items: Array.from({ length: 1000 }, (_, i) => exec(i)), dropped: 7 };
          },
          packets: async function* () {},
          // Never answers: every event stays being looked up.
          task: () => new Promise(() => {}),
          socketOwner: async () => undefined,
        },
      },
    };
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const { rows, logs } = await run("SELECT * FROM watch_ebpf(events='sched_process_exec')", flood, { signal: ac.signal });
    expect(rows).toEqual([]);
    expect(logs).toEqual(["WARN watch_ebpf: dropped 751 events under load (kernel buffers: 7, enrichment/queue: 744)"]);
  });

  it("logs why it cannot run and returns no rows (no addon, not root, no kernel events)", async () => {
    const r = await run("SELECT * FROM watch_ebpf(events='sched_process_exec')", fake("the kernel events addon is not built"));
    expect(r).toEqual({ rows: [], logs: ["ERROR watch_ebpf: the kernel events addon is not built"] });
    const none = await run("SELECT * FROM watch_ebpf(events='sched_process_exec')", { ...linux, events: undefined });
    expect(none.logs).toEqual(["ERROR watch_ebpf: this endpoint has no kernel events"]);
  });
});

const live = kernelEventsAvailability() === undefined;

/** Where the DNS server listens: 127.0.0.1:53, or another loopback address if a resolver has that one. */
let dnsAddress = "127.0.0.1";

/** Starts a UDP DNS server on port 53 of a loopback address, answering every A query with 192.0.2.7. */
async function dnsServer(): Promise<Socket> {
  for (const address of ["127.0.0.1", "127.0.0.2", "127.0.0.3"]) {
    const s = createSocket("udp4");
    s.on("message", (m, from) => s.send(dnsAnswer(m, [192, 0, 2, 7]), from.port, from.address));
    const ok = await new Promise<boolean>((resolve) => {
      s.once("error", () => resolve(false));
      s.bind(53, address, () => resolve(true));
    });
    if (ok) {
      dnsAddress = address;
      return s;
    }
    s.close();
  }
  throw new Error("no loopback address has port 53 free");
}

function askDns(name: string): void {
  const c = createSocket("udp4");
  c.send(dnsQuery(name), 53, dnsAddress, () => setTimeout(() => c.close(), 500));
}

async function httpServer(): Promise<Server> {
  const s = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return s;
}

function askHttp(port: number, path: string): void {
  request({ host: "127.0.0.1", port, path, headers: { Host: `talon.test:${port}`, "X-Talon": "1" } }, (res) => res.resume())
    .on("error", () => {})
    .end();
}

/** Repeats `f` every 200 ms until stopped (the first events may come before the sockets are open). */
function repeat(f: () => void): () => void {
  const t = setInterval(f, 200);
  f();
  return () => clearInterval(t);
}

describe.skipIf(!live)("watch_ebpf() on this kernel", () => {
  it("sees a spawned process's exec and exit, with its argv and context", async () => {
    const marker = `0.${Math.floor(Math.random() * 1e6)}`;
    const stop = repeat(() => execFile("sleep", [marker], () => {}));
    try {
      const { rows, logs } = await run(`SELECT * FROM watch_ebpf(events=['sched_process_exec', 'sched_process_exit']) WHERE System.ProcessName = 'sleep'`, linux, {
        signal: AbortSignal.timeout(15000),
        until: (r) => r.some((x) => (x.System as { EventName: string }).EventName === "sched_process_exit"),
      });
      expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
      const exec = rows.find((r) => (r.EventData as { argv?: string[] }).argv?.[1] === marker)!;
      expect(exec.System).toMatchObject({ EventID: 715, EventName: "sched_process_exec", ProcessName: "sleep", HostParentProcessID: process.pid, UserID: 0 });
      expect(exec.EventData).toMatchObject({ argv: ["sleep", marker], pathname: expect.stringMatching(/\/sleep$/), cmdpath: expect.stringMatching(/\/sleep$/), env: null });
      const sys = exec.System as Record<string, unknown>;
      expect(sys.HostProcessID).toBe(sys.ProcessID);
      expect(Object.keys(sys)).toEqual(["Timestamp", "EventID", "EventName", "ThreadStartTime", "ProcessorID", "ProcessID", "ThreadID", "ParentProcessID", "HostProcessID", "HostThreadID", "HostParentProcessID", "UserID", "MountNS", "ProcessName", "HostName", "CgroupID"]);
      const exit = rows.find((r) => (r.System as { EventName: string }).EventName === "sched_process_exit")!;
      expect(exit.EventData).toEqual({ exit_code: 0, signal_code: 0, process_group_exit: true });
    } finally {
      stop();
    }
  }, 20000);

  it("sees a DNS query and its answer on the loopback interface, with the process that sent it", async () => {
    const server = await dnsServer();
    const stop = repeat(() => askDns("talon-probe.example"));
    try {
      const { rows, logs } = await run(
        "SELECT System.ProcessName AS Name, System.HostProcessID AS Pid, EventData.dst_port AS Port, EventData.proto_dns.QR AS QR, EventData.proto_dns.questions.name AS Q, EventData.proto_dns.answers.IP AS IP FROM watch_ebpf(events='net_packet_dns') WHERE Q[0] = 'talon-probe.example'",
        linux,
        { signal: AbortSignal.timeout(15000), until: (r) => r.some((x) => x.QR === 1) && r.some((x) => x.QR === 0) },
      );
      expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
      // Both came from this process: the query from its client socket, the answer from its server.
      expect(rows.find((r) => r.QR === 0)).toEqual({ Name: "node", Pid: process.pid, Port: 53, QR: 0, Q: ["talon-probe.example"], IP: [] });
      expect(rows.find((r) => r.QR === 1)).toMatchObject({ Name: "node", Pid: process.pid, QR: 1, Q: ["talon-probe.example"], IP: ["192.0.2.7"] });
    } finally {
      stop();
      server.close();
    }
  }, 20000);

  it("sees an HTTP request to a local server: method, path, Host and headers", async () => {
    const server = await httpServer();
    const port = (server.address() as { port: number }).port;
    const stop = repeat(() => askHttp(port, "/probe/path?q=1"));
    try {
      const { rows } = await run(
        `SELECT System.ProcessName AS Name, EventData.metadata.dst_port AS Port, EventData.http_request AS R FROM watch_ebpf(events='net_packet_http_request') WHERE Port = ${port}`,
        linux,
        { signal: AbortSignal.timeout(15000), until: (r) => r.length > 0 },
      );
      expect(rows[0]).toMatchObject({ Name: "node", Port: port, R: { method: "GET", protocol: "HTTP/1.1", host: `talon.test:${port}`, uri_path: "/probe/path", headers: { "X-Talon": ["1"] } } });
    } finally {
      stop();
      server.close();
    }
  }, 20000);

  /** A corpus artifact's first source, its parameters set, on this machine. */
  async function artifact(name: string, parameters: Record<string, unknown>, until: (rows: Record<string, unknown>[]) => boolean) {
    const a = corpusArtifact(name);
    const resolved = resolveParameters(a, parameters);
    if (!resolved.ok) throw new Error(resolved.error);
    const env: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(resolved.env)) env[k] = toJsonValue(v);
    const s = compileArtifact(a, () => undefined).sources[0]!;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 15000);
    const rows: Record<string, unknown>[] = [];
    const logs: string[] = [];
    const ctx = { flowId: "F.EBPF", artifact: name, env, signal: ac.signal, maxRows: 100_000, permissions: new Set(["MACHINE_STATE"]), responder: new FlowResponder(new MemoryOutbox(), "F.EBPF") };
    try {
      for await (const e of createVqlRunner(linux, agentRegistry()).run(s.query, ctx)) {
        if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
        else if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
        if (until(rows)) break;
      }
    } catch (e) {
      if (!ac.signal.aborted) throw e;
    } finally {
      clearTimeout(timer);
      ac.abort();
    }
    return { rows, logs };
  }

  it("runs the corpus's Linux.Events.DNS and Linux.Events.HTTPConnections", async () => {
    const server = await dnsServer();
    const web = await httpServer();
    const port = (web.address() as { port: number }).port;
    const stop = repeat(() => {
      askDns("talon-corpus.example");
      askHttp(port, "/corpus");
    });
    try {
      const dns = await artifact("Linux.Events.DNS", { ExcludeDestIP: "^192\\.0\\.2\\.99$" }, (r) => r.some((x) => (x.name as string[])?.[0] === "talon-corpus.example" && (x.IP as string[])?.length));
      expect(dns.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
      expect(dns.rows.find((x) => (x.IP as string[])?.length)).toMatchObject({ ProcessName: "node", Pid: process.pid, name: ["talon-corpus.example"], type: ["A"], IP: ["192.0.2.7"] });
      const http = await artifact("Linux.Events.HTTPConnections", { IncludeHeaders: "Y" }, (r) => r.some((x) => x.uri_path === "/corpus"));
      expect(http.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
      expect(http.rows.find((x) => x.uri_path === "/corpus")).toMatchObject({ ProcessName: "node", dest_ip: "127.0.0.1", dest_port: port, host: `talon.test:${port}`, _HTTPRequest: { method: "GET" } });
    } finally {
      stop();
      server.close();
      web.close();
    }
  }, 40000);

  it("runs the corpus's Linux.Events.EBPF (warning about the events it cannot serve) and Linux.Events.TrackProcesses", async () => {
    const marker = `0.${Math.floor(Math.random() * 1e6)}`;
    const stop = repeat(() => execFile("sleep", [marker], () => {}));
    try {
      const ebpf = await artifact("Linux.Events.EBPF", {}, (r) => r.some((x) => (x.EventData as { argv?: string[] })?.argv?.[1] === marker));
      expect(ebpf.logs.filter((l) => l.startsWith("WARN watch_ebpf"))).toEqual([
        "WARN watch_ebpf: these events are not available on Talon (no eBPF; see docs/vql-differences.md): bpf_attach, fchownat, kill, module_free, mount, security_file_open, security_inode_mknod, security_inode_symlink, security_kernel_post_read_file, security_socket_accept, security_socket_bind, security_socket_connect, setxattr, umount2, unlink",
      ]);
      expect(ebpf.rows.find((x) => (x.EventData as { argv?: string[] })?.argv?.[1] === marker)).toMatchObject({ System: { EventName: "sched_process_exec", ProcessName: "sleep" } });
      const track = await artifact("Linux.Events.TrackProcesses", { AlsoForwardUpdates: "Y" }, (r) => r.some((x) => x.update_type === "start" && (x.data as { CommandLine?: string })?.CommandLine === `sleep ${marker}`));
      expect(track.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
      expect(track.rows.find((x) => x.update_type === "start" && (x.data as { CommandLine?: string }).CommandLine === `sleep ${marker}`)).toMatchObject({ parent_id: String(process.pid), data: { Name: "sleep", Exe: expect.stringMatching(/\/sleep$/) } });
    } finally {
      stop();
    }
  }, 40000);
});
