// What watch_ebpf() knows of a task (tracee's event context: ids in the host's and the task's
// own PID namespace, uid, comm, mount namespace, cgroup, start time; for exec the executable's
// file, argv, cwd, stdin and optionally its environment), read from /proc/<tid> at the moment
// of the event; and which process holds a local TCP/UDP socket (/proc/net/* for the socket's
// inode, then /proc/<pid>/fd; the inode-to-pid map is rebuilt at most every RESCAN_MS).
import { readdir, readFile, readlink, stat } from "node:fs/promises";
import { isSecretName } from "@/engine/cli/secrets-env";
import type { KernelTask } from "../system";
import { parseProcNet } from "./net";
import { parseStat } from "./proc";

const CLK_TCK = 100;
const RESCAN_MS = 250;
const S_IFMT = 0o170000;

const text = (path: string) => readFile(path, "utf8").catch(() => "");
const link = (path: string) => readlink(path).catch(() => "");

function statusField(status: string, name: string): string[] {
  const m = new RegExp(`^${name}:\\s*(.*)$`, "m").exec(status);
  return m ? m[1]!.trim().split(/\s+/) : [];
}

/** A device number as stat() gives it (glibc encoding) in the kernel's encoding (major << 20 | minor), as tracee reports `dev`. */
export function kernelDev(dev: number): number {
  const major = ((dev >>> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);
  const minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
  return major * 2 ** 20 + minor;
}

let boot: number | undefined;

export async function readTask(tid: number, opts: { env?: boolean } = {}): Promise<KernelTask | undefined> {
  const dir = `/proc/${tid}`;
  const [status, statText] = await Promise.all([text(`${dir}/status`), text(`${dir}/stat`)]);
  const st = parseStat(statText);
  if (!status || !st) return undefined;
  // The boot's time from /proc/uptime (1/100 s), finer than /proc/stat's whole-second btime.
  boot ??= Date.now() / 1000 - Number((await text("/proc/uptime")).split(" ")[0]);
  const num = (name: string, i = 0) => Number(statusField(status, name)[i] ?? 0);
  const hostPid = num("Tgid");
  const nsTgid = statusField(status, "NStgid");
  const nsPid = statusField(status, "NSpid");
  const pid = Number(nsTgid.at(-1) ?? hostPid);
  const [exe, cmdline, cwd, mnt, cgroup, stdinPath] = await Promise.all([link(`${dir}/exe`), text(`${dir}/cmdline`), link(`${dir}/cwd`), link(`${dir}/ns/mnt`), text(`${dir}/cgroup`), link(`${dir}/fd/0`)]);
  const cgroupPath = /^0::(.*)$/m.exec(cgroup)?.[1];
  const [exeStat, cgroupStat, stdinStat] = await Promise.all([
    exe ? stat(`${dir}/exe`, { bigint: true }).catch(() => undefined) : undefined,
    cgroupPath ? stat(`/sys/fs/cgroup${cgroupPath}`).catch(() => undefined) : undefined,
    stdinPath ? stat(`${dir}/fd/0`).catch(() => undefined) : undefined,
  ]);
  const task: KernelTask = {
    hostPid,
    hostTid: tid,
    hostPpid: num("PPid"),
    pid,
    tid: Number(nsPid.at(-1) ?? tid),
    // The parent's id inside the task's namespace is known when that namespace is the host's.
    ppid: pid === hostPid ? num("PPid") : 0,
    uid: num("Uid"),
    comm: st.comm,
    exe: exe.replace(/ \(deleted\)$/, ""),
    argv: cmdline ? cmdline.replace(/\0$/, "").split("\0") : [],
    cwd,
    startTimeMs: Math.round((boot + st.startTicks / CLK_TCK) * 1000),
    mountNs: Number(/\[(\d+)\]/.exec(mnt)?.[1] ?? 0),
    cgroupId: cgroupStat?.ino ?? 0,
  };
  if (exeStat) task.exeFile = { dev: kernelDev(Number(exeStat.dev)), inode: Number(exeStat.ino), ctimeNs: Number(exeStat.ctimeNs), mode: Number(exeStat.mode) };
  if (stdinPath) task.stdin = { path: stdinPath, type: (stdinStat?.mode ?? 0) & S_IFMT };
  if (opts.env) {
    const environ = await text(`${dir}/environ`);
    task.env = environ
      .split("\0")
      .filter((e) => e && !isSecretName(e.slice(0, Math.max(0, e.indexOf("=")))));
  }
  return task;
}

let owners = new Map<string, number>();
let scannedAt = 0;
let scanning: Promise<void> | undefined;

async function rescan(): Promise<void> {
  const next = new Map<string, number>();
  for (const name of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    for (const fd of await readdir(`/proc/${name}/fd`).catch(() => [] as string[])) {
      const m = /^socket:\[(\d+)\]$/.exec(await link(`/proc/${name}/fd/${fd}`));
      if (m) next.set(m[1]!, Number(name));
    }
  }
  owners = next;
  scannedAt = Date.now();
}

const ANY = new Set(["0.0.0.0", "::"]);

export async function socketOwner(proto: "tcp" | "udp", localIp: string, localPort: number): Promise<number | undefined> {
  const type = proto === "tcp" ? "TCP" : "UDP";
  const [v4, v6] = await Promise.all([text(`/proc/net/${proto}`), text(`/proc/net/${proto}6`)]);
  const sockets = [...parseProcNet(v4, type, "IPv4"), ...parseProcNet(v6, type, "IPv6")].filter((s) => s.Laddr.Port === localPort && s.inode !== "0");
  const socket = sockets.find((s) => s.Laddr.IP === localIp) ?? sockets.find((s) => ANY.has(s.Laddr.IP));
  if (!socket) return undefined;
  if (!owners.has(socket.inode)) {
    // A socket new since the last scan: scan again, but not more often than every RESCAN_MS.
    const wait = scannedAt + RESCAN_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (!owners.has(socket.inode)) {
      scanning ??= rescan().finally(() => (scanning = undefined));
      await scanning;
    }
  }
  return owners.get(socket.inode);
}
