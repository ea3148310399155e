// watch_ebpf(): Velociraptor's tracee events, served on Talon without eBPF (a Node agent cannot
// load tracee's programs) from other kernel interfaces, in tracee's row shape: System (the
// task's context: Timestamp, EventID, EventName, ProcessID, ThreadID, HostProcessID, ...,
// ProcessName, HostName, CgroupID) and EventData (the event's arguments under tracee's names).
// sched_process_exec/exit/fork come from the process events connector, each enriched from
// /proc/<pid>; net_packet_dns(_request/_response) and net_packet_http_request from a packet
// socket, the packet's process found through its local socket. Bounded: at most MAX_INFLIGHT
// events are being enriched and MAX_QUEUED rows wait for the query; beyond, events are dropped
// and counted (as are the kernel's own drops), in a WARN at once, then at most every DROP_REPORT_MS.
import { hostname } from "node:os";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { arg, definePlugin, OrderedDict, Timestamp, compileRegex, isRegexError } from "@/engine/vql";
import { eventStream } from "@/engine/vql/builtins/events/event-stream";
import type { KernelEventSource, KernelPacket, KernelProcessEvent, KernelTask } from "@/engine/endpoint/builtins/system";
import { agentHost } from "./host";
import { decodeDns, decodeHttpRequest, decodeIp, type L4Packet } from "./ebpf-packets";

/** The events served here and tracee's ids for them (tracee's events/core.go). */
export const SERVED_EBPF_EVENTS: Record<string, number> = {
  sched_process_fork: 714,
  sched_process_exec: 715,
  sched_process_exit: 716,
  net_packet_dns: 2006,
  net_packet_dns_request: 2007,
  net_packet_dns_response: 2008,
  net_packet_http_request: 2010,
};
const PROCESS_EVENTS = new Set(["sched_process_fork", "sched_process_exec", "sched_process_exit"]);
const MAX_INFLIGHT = 256;
const MAX_QUEUED = 1024;
const DROP_REPORT_MS = 10_000;
const TASK_CACHE = 4096;

/** CLOCK_MONOTONIC ns (the connector's timestamps) to a time since the epoch. */
function monotonicToTimestamp(ns: bigint): Timestamp {
  const epochNs = BigInt(Date.now()) * 1_000_000n - (process.hrtime.bigint() - ns);
  return new Timestamp(Number(epochNs / 1_000_000_000n), Number(epochNs % 1_000_000_000n));
}

function system(name: string, at: Timestamp, task: KernelTask | undefined, fallback: { pid: number; tid: number; cpu?: number }): OrderedDict {
  return new OrderedDict([
    ["Timestamp", at],
    ["EventID", SERVED_EBPF_EVENTS[name]],
    ["EventName", name],
    ["ThreadStartTime", task ? Timestamp.fromMillis(task.startTimeMs) : at],
    ["ProcessorID", fallback.cpu ?? 0],
    ["ProcessID", task?.pid ?? fallback.pid],
    ["ThreadID", task?.tid ?? fallback.tid],
    ["ParentProcessID", task?.ppid ?? 0],
    ["HostProcessID", task?.hostPid ?? fallback.pid],
    ["HostThreadID", task?.hostTid ?? fallback.tid],
    ["HostParentProcessID", task?.hostPpid ?? 0],
    ["UserID", task?.uid ?? 0],
    ["MountNS", task?.mountNs ?? 0],
    ["ProcessName", task?.comm ?? ""],
    ["HostName", hostname()],
    ["CgroupID", task?.cgroupId ?? 0],
  ]);
}

const row = (sys: OrderedDict, data: Array<[string, unknown]>) => new OrderedDict([["System", sys], ["EventData", new OrderedDict(data)]]);

/** sched_process_exec's arguments (tracee's names); what /proc cannot tell is left empty. */
function execData(t: KernelTask | undefined, env: boolean): Array<[string, unknown]> {
  const f = t?.exeFile;
  return [
    ["cmdpath", t?.exe ?? ""],
    ["pathname", t?.exe ?? ""],
    ["dev", f?.dev ?? 0],
    ["inode", f?.inode ?? 0],
    ["ctime", f?.ctimeNs ?? 0],
    ["inode_mode", f?.mode ?? 0],
    ["interpreter_pathname", ""],
    ["interpreter_dev", 0],
    ["interpreter_inode", 0],
    ["interpreter_ctime", 0],
    ["argv", t?.argv ?? []],
    ["interp", t?.exe ?? ""],
    ["stdin_type", t?.stdin?.type ?? 0],
    ["stdin_path", t?.stdin?.path ?? ""],
    ["invoked_from_kernel", t ? t.hostPpid === 2 || t.hostPpid === 0 : false],
    ["prev_comm", ""],
    ["env", env ? (t?.env ?? []) : null],
    ["pwd", t?.cwd ?? ""],
  ];
}

/** Which served events a policy's rules name (`spec.rules[].event`); filters are not applied. */
export function policyEvents(text: string): { events: string[]; filtered: boolean } {
  const parsed = POLICY.safeParse(parseYaml(text));
  if (!parsed.success) throw new Error(`not a tracee policy (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message})`);
  const rules = parsed.data.spec.rules;
  return { events: rules.map((r) => r.event), filtered: rules.some((r) => (r.filters ?? []).length > 0) };
}

/** The part of a tracee policy read here: spec.rules[].event (and whether a rule has filters). */
const POLICY = z.object({ spec: z.object({ rules: z.array(z.object({ event: z.string().min(1), filters: z.array(z.unknown()).optional() }).passthrough()) }).passthrough() }).passthrough();

/** Rows for one decoded packet (DNS or HTTP request), before the process is known. */
export function packetRows(p: L4Packet, direction: KernelPacket["direction"], wanted: Set<string>): Array<{ name: string; data: Array<[string, unknown]> }> {
  const out: Array<{ name: string; data: Array<[string, unknown]> }> = [];
  const pktMeta = new OrderedDict([
    ["src_ip", p.src],
    ["dst_ip", p.dst],
    ["src_port", p.srcPort],
    ["dst_port", p.dstPort],
    ["protocol", p.protocol],
    ["packet_len", p.length],
    ["iface", "any"],
  ]);
  if ((p.srcPort === 53 || p.dstPort === 53) && p.payload.length) {
    // DNS over TCP has each message prefixed by its length.
    const dns = decodeDns(p.protocol === 6 ? p.payload.subarray(2) : p.payload);
    if (dns) {
      if (wanted.has("net_packet_dns"))
        out.push({
          name: "net_packet_dns",
          data: [
            ["src", p.src],
            ["dst", p.dst],
            ["src_port", p.srcPort],
            ["dst_port", p.dstPort],
            ["metadata", new OrderedDict([["direction", direction === "ingress" ? 1 : 2]])],
            ["proto_dns", dns],
          ],
        });
      const questions = (dns.get("questions") as OrderedDict[]).map((q) => new OrderedDict([["query", q.get("name")], ["query_type", q.get("type")], ["query_class", q.get("class")]]));
      if (wanted.has("net_packet_dns_request") && dns.get("QR") === 0) out.push({ name: "net_packet_dns_request", data: [["metadata", pktMeta], ["dns_questions", questions]] });
      if (wanted.has("net_packet_dns_response") && dns.get("QR") === 1 && questions.length) {
        const answers = (dns.get("answers") as OrderedDict[]).map((a) => {
          const answer = ["IP", "CNAME", "PTR", "NS", "TXT"].map((k) => a.get(k) as string).find((v) => v) ?? "";
          return new OrderedDict([["answer_type", a.get("type")], ["ttl", a.get("TTL")], ["answer", answer]]);
        });
        out.push({ name: "net_packet_dns_response", data: [["metadata", pktMeta], ["dns_response", [new OrderedDict([["query_data", questions[0]], ["dns_answer", answers]])]]] });
      }
    }
  }
  if (p.protocol === 6 && wanted.has("net_packet_http_request")) {
    const http = decodeHttpRequest(p.payload);
    if (http) out.push({ name: "net_packet_http_request", data: [["metadata", pktMeta], ["http_request", http]] });
  }
  return out;
}

export const watchEbpfPlugin = definePlugin({
  name: "watch_ebpf",
  category: "linux",
  doc:
    "Watch for events from the kernel, as Velociraptor's tracee (eBPF) events: one row per event, System {Timestamp, EventID, EventName, ThreadStartTime, ProcessorID, " +
    "ProcessID, ThreadID, ParentProcessID, HostProcessID, HostThreadID, HostParentProcessID, UserID, MountNS, ProcessName, HostName, CgroupID} and EventData (tracee's arguments). " +
    "Talon reads other kernel interfaces instead of eBPF and serves sched_process_exec, sched_process_exit and sched_process_fork (the process events connector, enriched from /proc) " +
    "and net_packet_dns, net_packet_dns_request, net_packet_dns_response and net_packet_http_request (a packet socket); other events are named in a warning. " +
    "Needs root and the native kernel-events addon (built by `npm install` where a C compiler is); without them, an error and no rows.",
  args: {
    events: arg.list(arg.string()).doc("A list of event names to acquire."),
    include_env: arg.bool().default(false).doc("Include process environment variables (secret-looking variables left out)."),
    policy: arg.string().doc("Use a tracee policy in YAML format to specify events instead (its rules' events; filters are not applied)."),
    regex_prefilter: arg.string().doc("A regex that must match the raw buffer before we process it (a packet's payload; an exec's path and argv)."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  run({ events, include_env, policy, regex_prefilter }, ctx) {
    const fail = (m: string) => {
      ctx.log("ERROR", `watch_ebpf: ${m}`);
      return [];
    };
    let names = events ?? [];
    if (policy) {
      try {
        const p = policyEvents(policy);
        names = p.events;
        if (p.filtered) ctx.log("WARN", "watch_ebpf: the policy's filters are not applied on Talon (filter the rows in VQL)");
      } catch (e) {
        return fail(`the policy cannot be used: ${(e as Error).message}`);
      }
    }
    if (!names.length) return fail("should provide a policy or a list of events");
    const unserved = [...new Set(names.filter((n) => !(n in SERVED_EBPF_EVENTS)))];
    if (unserved.length) ctx.log("WARN", `watch_ebpf: these events are not available on Talon (no eBPF; see docs/vql-differences.md): ${unserved.join(", ")}`);
    const wanted = new Set(names.filter((n) => n in SERVED_EBPF_EVENTS));
    if (!wanted.size) return fail(`none of the requested events is served on Talon (served: ${Object.keys(SERVED_EBPF_EVENTS).join(", ")})`);
    let prefilter: { test(s: string): boolean } | undefined;
    if (regex_prefilter) {
      const re = compileRegex(regex_prefilter);
      if (isRegexError(re)) return fail(`Unable to compile regex_prefilter ${re.error}`);
      prefilter = re;
    }
    const source = agentHost(ctx.host).system.events?.kernel;
    const problem = source ? source.unavailable() : "this endpoint has no kernel events";
    if (!source || problem) return fail(problem ?? "");
    return eventStream(ctx, (signal) => follow(source, wanted, { env: include_env, prefilter }, signal, (m) => ctx.log("WARN", `watch_ebpf: ${m}`), ctx.log.bind(ctx)));
  },
});

async function* follow(
  source: KernelEventSource,
  wanted: Set<string>,
  opts: { env: boolean; prefilter?: { test(s: string): boolean } },
  signal: AbortSignal,
  warn: (m: string) => void,
  log: (level: "ERROR", m: string) => void,
): AsyncGenerator<unknown> {
  const queue: unknown[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  let inflight = 0;
  // The first drops are reported at once, later ones at most every DROP_REPORT_MS.
  const drops = { kernel: 0, overload: 0, reportedAt: 0 };
  const push = (r: unknown) => {
    if (queue.length >= MAX_QUEUED) drops.overload++;
    else queue.push(r);
    notify();
  };
  /** Runs `work` for one event unless MAX_INFLIGHT are already running (then it is dropped). */
  const enrich = (work: () => Promise<unknown>) => {
    if (inflight >= MAX_INFLIGHT) return void drops.overload++;
    inflight++;
    work()
      .then((r) => r !== undefined && !signal.aborted && push(r), () => {})
      .finally(() => inflight--);
  };
  // The last context seen of each task, for exits whose /proc entry is already gone.
  const tasks = new Map<number, KernelTask>();
  const remember = (t: KernelTask | undefined) => {
    if (!t) return t;
    tasks.delete(t.hostTid);
    tasks.set(t.hostTid, t);
    if (tasks.size > TASK_CACHE) tasks.delete(tasks.keys().next().value!);
    return t;
  };
  const lookup = async (tid: number, env = false) => remember(await source.task(tid, { env })) ?? tasks.get(tid);

  const onProcess = (e: KernelProcessEvent) => {
    const at = monotonicToTimestamp(e.monotonicNs);
    if (e.kind === "exec") {
      if (!wanted.has("sched_process_exec")) return void enrich(async () => void remember(await source.task(e.pid)));
      enrich(async () => {
        const t = remember(await source.task(e.pid, { env: opts.env }));
        if (opts.prefilter && !opts.prefilter.test([t?.exe ?? "", ...(t?.argv ?? [])].join(" "))) return undefined;
        return row(system("sched_process_exec", at, t, { pid: e.tgid, tid: e.pid, cpu: e.cpu }), execData(t, opts.env));
      });
    } else if (e.kind === "exit") {
      // One row per process: its leader's exit, when the whole thread group has gone.
      if (e.pid !== e.tgid) return void tasks.delete(e.pid);
      if (!wanted.has("sched_process_exit")) return void tasks.delete(e.pid);
      enrich(async () => {
        const t = await lookup(e.pid);
        tasks.delete(e.pid);
        if (opts.prefilter && !opts.prefilter.test(t?.comm ?? "")) return undefined;
        return row(system("sched_process_exit", at, t, { pid: e.tgid, tid: e.pid, cpu: e.cpu }), [
          ["exit_code", (e.exitCode >> 8) & 0xff],
          ["signal_code", e.exitCode & 0x7f],
          ["process_group_exit", true],
        ]);
      });
    } else if (e.kind === "fork") {
      if (!wanted.has("sched_process_fork")) return;
      enrich(async () => {
        const [parent, child] = await Promise.all([lookup(e.parentPid), lookup(e.childPid)]);
        const ns = (t: KernelTask | undefined, id: number, pick: "pid" | "tid") => (t ? t[pick] : id);
        const start = (t: KernelTask | undefined) => (t ? Timestamp.fromMillis(t.startTimeMs) : at);
        if (opts.prefilter && !opts.prefilter.test(parent?.comm ?? "")) return undefined;
        return row(system("sched_process_fork", at, parent, { pid: e.parentTgid, tid: e.parentPid, cpu: e.cpu }), [
          ["parent_tid", e.parentPid],
          ["parent_ns_tid", ns(parent, e.parentPid, "tid")],
          ["parent_pid", e.parentTgid],
          ["parent_ns_pid", ns(parent, e.parentTgid, "pid")],
          ["parent_start_time", start(parent)],
          ["child_tid", e.childPid],
          ["child_ns_tid", ns(child, e.childPid, "tid")],
          ["child_pid", e.childTgid],
          ["child_ns_pid", ns(child, e.childTgid, "pid")],
          ["start_time", start(child)],
        ]);
      });
    }
  };

  const onPacket = (pkt: KernelPacket) => {
    const p = decodeIp(pkt.data);
    if (!p || !p.payload.length) return;
    if (opts.prefilter && !opts.prefilter.test(Buffer.from(p.payload).toString("latin1"))) return;
    const rows = packetRows(p, pkt.direction, wanted);
    if (!rows.length) return;
    const at = Timestamp.fromMillis(pkt.timestampMs);
    enrich(async () => {
      // The process is the one holding this host's end of the conversation.
      const [ip, port] = pkt.direction === "egress" ? [p.src, p.srcPort] : [p.dst, p.dstPort];
      const owner = await source.socketOwner(p.protocol === 6 ? "tcp" : "udp", ip, port).catch(() => undefined);
      const t = owner ? await lookup(owner) : undefined;
      for (const r of rows) push(row(system(r.name, at, t, { pid: owner ?? 0, tid: owner ?? 0 }), r.data));
      return undefined;
    });
  };

  let running = 0;
  const run = async <T>(it: AsyncIterable<{ items: T[]; dropped: number }>, each: (x: T) => void) => {
    running++;
    try {
      for await (const batch of it) {
        drops.kernel += batch.dropped;
        for (const x of batch.items) each(x);
        notify();
      }
    } catch (e) {
      if (!signal.aborted) log("ERROR", `watch_ebpf: ${(e as Error).message}`);
    } finally {
      running--;
      notify();
    }
  };
  if ([...wanted].some((n) => PROCESS_EVENTS.has(n))) void run(source.processEvents(signal), onProcess);
  if ([...wanted].some((n) => !PROCESS_EVENTS.has(n))) void run(source.packets(signal), onPacket);

  while (!signal.aborted) {
    if (drops.kernel + drops.overload && Date.now() - drops.reportedAt >= DROP_REPORT_MS) {
      warn(`dropped ${drops.kernel + drops.overload} events under load (kernel buffers: ${drops.kernel}, enrichment/queue: ${drops.overload})`);
      drops.kernel = drops.overload = 0;
      drops.reportedAt = Date.now();
    }
    if (queue.length) {
      yield queue.shift();
      continue;
    }
    if (!running && !inflight) return;
    await new Promise<void>((r) => {
      wake = r;
      const t = setTimeout(notify, 1000);
      const onAbort = () => notify();
      signal.addEventListener("abort", onAbort, { once: true });
      const done = wake;
      wake = () => {
        clearTimeout(t);
        signal.removeEventListener("abort", onAbort);
        done();
      };
    });
  }
}
