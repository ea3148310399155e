// A synthetic endpoint (pool mode): the EndpointSystem the agent builtins read, answered from a
// profile, with the operating system's event sources (events.ts): the agent's EndpointEvents and
// the Windows sources of the pool's event plugins.
// pslist() is the static table plus the processes the activity timeline has alive now, so it
// changes over time. The file system holds a few well-known files per OS (event logs and syslog
// files among them); the environment is a service's (expand(), environ()); execve() and writing
// files are not available.
import type { EndpointSystem, FileInfo, ProcessInfo } from "@/engine/endpoint/builtins/system";
import { componentRegex, expandBraces } from "@/engine/endpoint/builtins/linux/glob-pattern";
import { EndpointActivity, type SynthProcess } from "./activity/activity";
import { syslogFiles } from "./activity/linux-rows";
import { createSyntheticEvents, DEFAULT_EVENT_RATE, type EventOptions, type SyntheticEvents } from "./events";
import { syntheticProcesses } from "./processes";
import type { Profile } from "./profiles";
import { hardwareOf } from "./wmi/hardware";
import { queryWmi, WmiError } from "./wmi/provider";
import type { OrderedDict } from "@/engine/vql";

/** A pooled endpoint: the agent's EndpointSystem, its event sources and its WMI repository. */
export interface SyntheticSystem extends EndpointSystem {
  events: SyntheticEvents;
  /** A WQL data query's rows (wmi/provider.ts); throws WmiError or WqlError as WMI would fail. Windows only. */
  wmi(namespace: string, query: string, signal: AbortSignal): Promise<OrderedDict[]>;
}

function files(p: Profile): Array<{ path: string; content: string }> {
  if (p.os === "windows") {
    return [
      { path: "C:/Windows/System32/drivers/etc/hosts", content: "127.0.0.1 localhost\n" },
      { path: "C:/Windows/System32/config/SAM", content: "SAM hive (synthetic)" },
      { path: "C:/Windows/Sysmon64.exe", content: "Sysmon (synthetic)" },
      ...EVENT_LOGS.map((l) => ({ path: `C:/Windows/System32/winevt/Logs/${l}`, content: "ElfFile (synthetic: new records arrive through watch_evtx())" })),
      ...p.users.map((u) => ({ path: `C:/Users/${u}/NTUSER.DAT`, content: `registry hive of ${u} (synthetic)` })),
    ];
  }
  const logs = p.os === "linux" ? Object.values(syslogFiles({ profile: p })).map((path) => ({ path, content: "(synthetic: new lines arrive through watch_syslog())\n" })) : [];
  return [
    ...logs,
    { path: "/etc/hostname", content: `${p.hostname}\n` },
    { path: "/etc/hosts", content: `127.0.0.1 localhost\n${p.ip} ${p.fqdn} ${p.hostname}\n` },
    { path: "/etc/passwd", content: p.users.map((u, i) => `${u}:x:${u === "root" ? 0 : 1000 + i}:${u === "root" ? 0 : 1000 + i}::/home/${u}:/bin/bash`).join("\n") + "\n" },
    ...p.users.map((u) => ({ path: `${p.os === "darwin" ? "/Users" : "/home"}/${u}/.bash_history`, content: "ls -la\nsudo systemctl status\n" })),
  ];
}

const EVENT_LOGS = ["Security.evtx", "System.evtx", "Application.evtx", "Microsoft-Windows-Sysmon%4Operational.evtx"];

function processInfo(s: SynthProcess): ProcessInfo {
  return {
    Pid: s.pid,
    Ppid: s.ppid,
    Name: s.name,
    Username: s.user,
    Uid: s.uid,
    Exe: s.image,
    CommandLine: s.commandLine,
    CreateTime: new Date(s.start),
    Status: "running",
    Threads: 1 + (s.pid % 23),
    RSS: (4 + (s.pid % 200)) * 1024 * 1024,
    VMS: (400 + (s.pid % 3000)) * 1024 * 1024,
    UserTime: 0,
    SystemTime: 0,
  };
}

function info(path: string, size: number, p: Profile): FileInfo {
  const t = new Date(p.bootTime * 1000);
  return { Name: path.slice(path.lastIndexOf("/") + 1), OSPath: path, Size: size, Mode: "-rw-r--r--", IsDir: false, IsLink: false, Mtime: t, Atime: t, Ctime: t, Btime: t };
}

function globMatch(pattern: string, path: string): boolean {
  const re = pattern
    .split("/")
    .map((c) => (c === "**" ? ".*" : componentRegex(c).source.slice(1, -1)))
    .join("/");
  return new RegExp(`^${re}$`, "i").test(path);
}

export function createSyntheticSystem(p: Profile, o: EventOptions = {}): SyntheticSystem {
  const rate = o.rate ?? DEFAULT_EVENT_RATE;
  const now = o.now ?? Date.now;
  const system: SyntheticSystem = {
    events: createSyntheticEvents(p, { rate, now }),
    async wmi(namespace, query, signal) {
      if (p.os !== "windows") throw new WmiError("WMI exists on Windows endpoints only");
      const processes = [];
      for await (const proc of system.processes(signal)) processes.push(proc);
      return queryWmi({ p, hw: hardwareOf(p), processes, now: now() / 1000 }, namespace, query);
    },
    async info() {
      return {
        Hostname: p.hostname,
        Uptime: Math.max(0, Math.floor(Date.now() / 1000) - p.bootTime),
        BootTime: p.bootTime,
        Procs: 0,
        OS: p.os,
        Platform: p.platform,
        PlatformFamily: p.os === "windows" ? (p.kind === "windows-server" ? "Server" : "Standalone Workstation") : p.platform,
        PlatformVersion: p.platformVersion,
        KernelVersion: p.kernelVersion,
        VirtualizationSystem: "",
        VirtualizationRole: "",
        HostID: `${p.seed.toString(16).padStart(8, "0")}-synthetic`,
        IsAdmin: true,
        Fqdn: p.fqdn,
        Architecture: p.architecture,
      };
    },
    async *processes(signal) {
      for (const proc of syntheticProcesses(p)) {
        signal.throwIfAborted();
        yield proc;
      }
      if (!(rate > 0)) return;
      for (const proc of new EndpointActivity(p, rate).alive(now())) {
        signal.throwIfAborted();
        yield processInfo(proc);
      }
    },
    async *connections() {
      yield { Pid: 4, Family: "IPv4", Type: "TCP", Status: "LISTEN", Laddr: { IP: "0.0.0.0", Port: p.os === "windows" ? 445 : 22 }, Raddr: { IP: "0.0.0.0", Port: 0 } };
      yield { Pid: 8, Family: "IPv4", Type: "TCP", Status: "ESTABLISHED", Laddr: { IP: p.ip, Port: 49152 + (p.seed % 1000) }, Raddr: { IP: "10.0.0.10", Port: 443 } };
    },
    async users() {
      return p.users.map((u, i) => ({ Name: u, Uid: u === "root" ? 0 : 1000 + i, Gid: u === "root" ? 0 : 1000 + i, Description: "", Homedir: p.os === "windows" ? `C:\\Users\\${u}` : `/home/${u}`, Shell: p.os === "windows" ? "" : "/bin/bash" }));
    },
    async interfaces() {
      return [{ Index: 1, MTU: 1500, Name: p.os === "windows" ? "Ethernet" : p.os === "darwin" ? "en0" : "eth0", HardwareAddr: p.mac, Flags: "up|broadcast|multicast|running", Addrs: [`${p.ip}/16`] }];
    },
    async uptime() {
      return Math.max(0, Math.floor(Date.now() / 1000) - p.bootTime);
    },
    // The environment an agent running as a service has (SYSTEM on Windows, root elsewhere), for expand() and environ().
    async environ(): Promise<Record<string, string>> {
      if (p.os === "windows")
        return {
          SystemRoot: "C:\\Windows",
          windir: "C:\\Windows",
          SystemDrive: "C:",
          ProgramFiles: "C:\\Program Files",
          "ProgramFiles(x86)": "C:\\Program Files (x86)",
          ProgramData: "C:\\ProgramData",
          ALLUSERSPROFILE: "C:\\ProgramData",
          COMPUTERNAME: p.hostname.toUpperCase(),
          USERNAME: "SYSTEM",
          USERPROFILE: "C:\\Windows\\system32\\config\\systemprofile",
          TEMP: "C:\\Windows\\TEMP",
          TMP: "C:\\Windows\\TEMP",
          Path: "C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\Wbem",
        };
      return { HOME: "/root", USER: "root", LOGNAME: "root", SHELL: "/bin/sh", HOSTNAME: p.hostname, PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" };
    },
    fs: {
      async *glob(patterns, o) {
        const root = (o.root ?? "").replace(/\\/g, "/").replace(/\/$/, "");
        for (const f of files(p)) {
          o.signal.throwIfAborted();
          if (patterns.flatMap(expandBraces).some((pat) => globMatch(pat.startsWith("/") || /^[A-Z]:/i.test(pat) || !root ? pat.replace(/\\/g, "/") : `${root}/${pat}`, f.path))) yield info(f.path, f.content.length, p);
        }
      },
      async stat(path) {
        const f = files(p).find((x) => x.path.toLowerCase() === path.replace(/\\/g, "/").toLowerCase());
        return f ? info(f.path, f.content.length, p) : undefined;
      },
      async *read(path, o) {
        const f = files(p).find((x) => x.path.toLowerCase() === path.replace(/\\/g, "/").toLowerCase());
        if (!f) throw new Error(`${path}: no such file`);
        const start = o.offset ?? 0;
        yield Buffer.from(f.content).subarray(start, start + (o.length ?? f.content.length));
      },
    },
  };
  return system;
}
