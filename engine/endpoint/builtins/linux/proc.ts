// Processes from /proc: /proc/<pid>/stat (ppid, state, CPU times, start time, threads, memory), status
// (uid), cmdline and the exe link. Processes that vanish while being read are skipped.
import { readdir, readFile, readlink } from "node:fs/promises";
import type { ProcessInfo } from "../system";
import { userNames } from "./users";

const CLK_TCK = 100;
const PAGE = 4096;
const STATES: Record<string, string> = { R: "running", S: "sleeping", D: "disk-sleep", Z: "zombie", T: "stopped", t: "tracing-stop", I: "idle", X: "dead" };

export async function bootTimeSeconds(): Promise<number> {
  const text = await readFile("/proc/stat", "utf8");
  return Number(/^btime\s+(\d+)/m.exec(text)?.[1] ?? 0);
}

export async function uptimeSeconds(): Promise<number> {
  return Math.floor(Number((await readFile("/proc/uptime", "utf8")).split(" ")[0]));
}

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses. */
export function parseStat(
  text: string,
): { comm: string; state: string; ppid: number; utimeTicks: number; stimeTicks: number; startTicks: number; threads: number; vsize: number; rssPages: number } | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const f = text.slice(close + 2).split(" ");
  // f[0] is field 3 (state); field n is f[n - 3].
  return {
    comm: text.slice(open + 1, close),
    state: f[0] ?? "",
    ppid: Number(f[1]),
    utimeTicks: Number(f[11]),
    stimeTicks: Number(f[12]),
    threads: Number(f[17]),
    startTicks: Number(f[19]),
    vsize: Number(f[20]),
    rssPages: Number(f[21]),
  };
}

async function readProcess(pid: number, boot: number, names: Map<number, string>): Promise<ProcessInfo | undefined> {
  const base = `/proc/${pid}`;
  let stat;
  try {
    stat = parseStat(await readFile(`${base}/stat`, "utf8"));
  } catch {
    return undefined;
  }
  if (!stat) return undefined;
  const [status, cmdline, exe] = await Promise.all([
    readFile(`${base}/status`, "utf8").catch(() => ""),
    readFile(`${base}/cmdline`).catch(() => Buffer.alloc(0)),
    readlink(`${base}/exe`).catch(() => ""),
  ]);
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
  const args = cmdline.toString("utf8").split("\0").filter((a, i, all) => a !== "" || i < all.length - 1);
  return {
    Pid: pid,
    Ppid: stat.ppid,
    Name: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? stat.comm,
    Username: names.get(uid) ?? (uid >= 0 ? String(uid) : ""),
    Uid: uid,
    Exe: exe,
    CommandLine: args.join(" ").trim(),
    CreateTime: new Date((boot + stat.startTicks / CLK_TCK) * 1000),
    Status: STATES[stat.state] ?? stat.state,
    Threads: stat.threads,
    RSS: stat.rssPages * PAGE,
    VMS: stat.vsize,
    UserTime: stat.utimeTicks / CLK_TCK,
    SystemTime: stat.stimeTicks / CLK_TCK,
  };
}

export async function* listProcesses(signal: AbortSignal, only?: number): AsyncIterable<ProcessInfo> {
  const [boot, names] = await Promise.all([bootTimeSeconds(), userNames()]);
  const pids = only !== undefined ? [only] : (await readdir("/proc")).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  for (const pid of pids) {
    signal.throwIfAborted();
    const p = await readProcess(pid, boot, names);
    if (p) yield p;
  }
}
