// Network connections from /proc/net/{tcp,tcp6,udp,udp6} (netstat-like), with the owning
// process found through the socket inodes in /proc/<pid>/fd (only visible for processes this
// agent may inspect), and network interfaces from the OS.
import { readdir, readFile, readlink } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import type { ConnectionInfo, InterfaceInfo } from "../system";

const TCP_STATES: Record<string, string> = {
  "01": "ESTABLISHED",
  "02": "SYN_SENT",
  "03": "SYN_RECV",
  "04": "FIN_WAIT1",
  "05": "FIN_WAIT2",
  "06": "TIME_WAIT",
  "07": "CLOSE",
  "08": "CLOSE_WAIT",
  "09": "LAST_ACK",
  "0A": "LISTEN",
  "0B": "CLOSING",
};

/** `0100007F:0050` → 127.0.0.1:80; IPv6 addresses are four little-endian 32-bit words. */
export function parseAddress(hex: string): { IP: string; Port: number } {
  const [addr = "", port = "0"] = hex.split(":");
  const words = addr.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => [w.slice(6, 8), w.slice(4, 6), w.slice(2, 4), w.slice(0, 2)].map((b) => parseInt(b, 16)));
  let ip: string;
  if (bytes.length === 4) ip = bytes.join(".");
  else if (bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) ip = bytes.slice(12).join(".");
  else {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
    ip = groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
  }
  return { IP: ip, Port: parseInt(port, 16) };
}

export function parseProcNet(text: string, type: "TCP" | "UDP", family: "IPv4" | "IPv6"): Array<ConnectionInfo & { inode: string }> {
  const out: Array<ConnectionInfo & { inode: string }> = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const status = type === "TCP" ? (TCP_STATES[f[3]!] ?? f[3]!) : f[3] === "07" ? "NONE" : (TCP_STATES[f[3]!] ?? "NONE");
    out.push({ Pid: 0, Family: family, Type: type, Status: status, Laddr: parseAddress(f[1]!), Raddr: parseAddress(f[2]!), inode: f[9]! });
  }
  return out;
}

async function socketOwners(signal: AbortSignal): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    signal.throwIfAborted();
    const fds = await readdir(`/proc/${name}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await readlink(`/proc/${name}/fd/${fd}`).catch(() => "");
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m) owners.set(m[1]!, Number(name));
    }
  }
  return owners;
}

export async function* listConnections(signal: AbortSignal): AsyncIterable<ConnectionInfo> {
  const owners = await socketOwners(signal);
  const files: Array<[string, "TCP" | "UDP", "IPv4" | "IPv6"]> = [
    ["/proc/net/tcp", "TCP", "IPv4"],
    ["/proc/net/tcp6", "TCP", "IPv6"],
    ["/proc/net/udp", "UDP", "IPv4"],
    ["/proc/net/udp6", "UDP", "IPv6"],
  ];
  for (const [path, type, family] of files) {
    const text = await readFile(path, "utf8").catch(() => "");
    for (const { inode, ...c } of parseProcNet(text, type, family)) {
      signal.throwIfAborted();
      yield { ...c, Pid: owners.get(inode) ?? 0 };
    }
  }
}

/** Go's net.Flags names for the IFF_* bits it reports (net/interface.go), in its order. */
const IFF: Array<[number, string]> = [
  [0x1, "up"],
  [0x2, "broadcast"],
  [0x8, "loopback"],
  [0x10, "pointtopoint"],
  [0x1000, "multicast"],
  [0x40, "running"],
];

/**
 * `/sys/class/net/<if>/flags` (hex) as Go's net.Flags.String() shows it. The file lacks
 * IFF_RUNNING (the kernel adds it when reporting over netlink, as Go reads it: an up interface
 * whose operstate is up or unknown), so it comes from `operstate`.
 */
export function interfaceFlags(hex: string, operstate = ""): string {
  let bits = parseInt(hex.trim(), 16) || 0;
  if (bits & 0x1 && ["up", "unknown"].includes(operstate.trim())) bits |= 0x40;
  return IFF.filter(([b]) => bits & b)
    .map(([, n]) => n)
    .join("|");
}

/** A MAC as Go reports it: empty when all zeros (loopback), else lower-case colon-separated. */
export function hardwareAddr(mac: string | undefined): string {
  return !mac || /^(00[:-]?)*00$/.test(mac) ? "" : mac.toLowerCase();
}

export async function listInterfaces(): Promise<InterfaceInfo[]> {
  const out: InterfaceInfo[] = [];
  let fallback = 0;
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    const list = addrs ?? [];
    const sys = (f: string) => readFile(`/sys/class/net/${name}/${f}`, "utf8").catch(() => "");
    const [mtu, ifindex, flags, address, operstate] = await Promise.all([sys("mtu"), sys("ifindex"), sys("flags"), sys("address"), sys("operstate")]);
    out.push({
      Index: Number(ifindex) || ++fallback,
      MTU: Number(mtu) || 0,
      Name: name,
      HardwareAddr: hardwareAddr(address.trim() || list[0]?.mac),
      Flags: interfaceFlags(flags, operstate),
      Addrs: list.map((a) => a.cidr ?? a.address),
    });
  }
  return out.sort((a, b) => a.Index - b.Index);
}
