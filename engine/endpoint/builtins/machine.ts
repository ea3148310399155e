// Machine-state builtins: info(), pslist(), getpid(), users(), uptime(), netstat()/connections(),
// interfaces(). Velociraptor's names and columns; data from the endpoint the agent runs on.
import { arg, definePlugin, defineFunction } from "../../vql";
import { abortable, untilAborted } from "../../vql";
import { agentHost } from "./host";
import type { ConnectionInfo, ProcessInfo } from "./system";
import { ts } from "./values";

export const infoPlugin = definePlugin({
  name: "info",
  category: "client",
  doc: "One row about this endpoint: Hostname, Uptime, OS, Platform, PlatformVersion, KernelVersion, Architecture, Fqdn and more.",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run(_args, ctx) {
    const row = await untilAborted(agentHost(ctx.host).system.info(), ctx.signal);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) out[k] = v instanceof Date ? ts(v) : v;
    yield out;
  },
});

/** A pslist() row: the process with CreateTime as a timestamp, Times {user, system} and MemoryInfo {RSS, VMS}. */
export function processRow(p: ProcessInfo): Record<string, unknown> {
  const { RSS, VMS, UserTime, SystemTime, ...rest } = p;
  // Times has gopsutil's field names, as Velociraptor's Linux pslist() gives them.
  return { ...rest, CreateTime: ts(p.CreateTime), Times: { user: UserTime, system: SystemTime }, MemoryInfo: { RSS, VMS } };
}

export const pslistPlugin = definePlugin({
  name: "pslist",
  category: "client",
  doc: "Processes running on the endpoint (from /proc on Linux): Pid, Ppid, Name, Username, Uid, Exe, CommandLine, CreateTime, Status, Threads, Times {user, system} (CPU seconds), MemoryInfo {RSS, VMS}.",
  args: {
    pid: arg.int().doc("Only this process."),
  },
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run({ pid }, ctx) {
    for await (const p of abortable(agentHost(ctx.host).system.processes(ctx.signal, pid), ctx.signal)) {
      if (pid !== undefined && p.Pid !== pid) continue;
      yield processRow(p);
    }
  },
});

export const getpidFunction = defineFunction({
  name: "getpid",
  category: "client",
  doc: "The process id of the agent (in pool mode, of the process that runs the simulated agents).",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  run: () => process.pid,
});

export const usersPlugin = definePlugin({
  name: "users",
  category: "client",
  doc: "Local user accounts of the endpoint (/etc/passwd on Linux): Name, Uid, Gid, Description, Homedir, Shell.",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run(_args, ctx) {
    for (const u of await untilAborted(agentHost(ctx.host).system.users(), ctx.signal)) {
      ctx.signal.throwIfAborted();
      yield { ...u };
    }
  },
});

export const uptimeFunction = defineFunction({
  name: "uptime",
  category: "client",
  doc: "Seconds since the endpoint booted.",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async run(_args, ctx) {
    return untilAborted(agentHost(ctx.host).system.uptime(), ctx.signal);
  },
});

const connectionArgs = {
  kind: arg.string().doc("Only TCP or UDP connections."),
  status: arg.string().doc("Only connections in this state (LISTEN, ESTABLISHED, ...)."),
};

async function* connections({ kind, status }: { kind?: string; status?: string }, ctx: { host: unknown; signal: AbortSignal }): AsyncIterable<ConnectionInfo> {
  for await (const c of abortable(agentHost(ctx.host).system.connections(ctx.signal), ctx.signal)) {
    if (kind && c.Type.toUpperCase() !== kind.toUpperCase()) continue;
    if (status && c.Status.toUpperCase() !== status.toUpperCase()) continue;
    yield { ...c };
  }
}

export const netstatPlugin = definePlugin({
  name: "netstat",
  category: "client",
  doc: "Network connections of the endpoint (from /proc/net on Linux): Pid, Family, Type, Status, Laddr {IP, Port}, Raddr {IP, Port}.",
  args: connectionArgs,
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  run: (args, ctx) => connections(args, ctx),
});

export const connectionsPlugin = definePlugin({
  name: "connections",
  category: "client",
  doc: "The same rows as netstat(): network connections with their owning process.",
  args: connectionArgs,
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  run: (args, ctx) => connections(args, ctx),
});

export const interfacesPlugin = definePlugin({
  name: "interfaces",
  category: "client",
  doc: "Network interfaces of the endpoint, as Velociraptor's (Go's net.Interface plus its addresses): Index, MTU, Name, HardwareAddr (empty for none or all zeros, as on loopback), HardwareAddrString (the same text: Velociraptor's method of that name), Flags (`up|broadcast|multicast|running`...), Addrs.",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["client"],
  async *run(_args, ctx) {
    for (const i of await untilAborted(agentHost(ctx.host).system.interfaces(), ctx.signal)) {
      ctx.signal.throwIfAborted();
      yield { Index: i.Index, MTU: i.MTU, Name: i.Name, HardwareAddr: i.HardwareAddr, HardwareAddrString: i.HardwareAddr, Flags: i.Flags ?? "", Addrs: i.Addrs };
    }
  },
});
