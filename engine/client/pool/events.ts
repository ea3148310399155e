// The operating system's event sources on a synthetic endpoint. The agent's own seam
// (EndpointEvents: followLines, journal, watchFiles) serves its watch_syslog(), watch_journald()
// and watch_files() unchanged; the Windows sources (etw, evtx, wmi) serve the pool's
// watch_etw(), watch_evtx() and wmi_events(). Every source follows the endpoint's activity
// timeline from the moment it is opened and keeps the slots it would see. Nothing runs and
// nothing is kept until a query opens a source; an open one holds its position and a few
// anchor pids.
import { setTimeout as sleep } from "node:timers/promises";
import { WatchMatcher } from "@/engine/endpoint/builtins/linux/watch-match";
import type { EndpointEvents, FileChange, LineFollower } from "@/engine/endpoint/builtins/system";
import { OrderedDict } from "@/engine/vql";
import type { Profile } from "./profiles";
import { type Activity, EndpointActivity } from "./activity/activity";
import { journalEntry, syslogFileOf, syslogFiles, syslogLine } from "./activity/linux-rows";
import { DEFENDER_LOG_FILE, defenderRecords } from "./activity/defender";
import { evtxRow, instanceCreationRow, KERNEL_PROCESS_GUID, kernelProcessEtwRow, processStartTraceRow, SYSMON_GUID, sysmonEtwRow } from "./activity/windows-rows";

/** The rows, when the endpoint has any for the source, and why it has none for some of what was asked. */
export interface EventStream {
  rows?: AsyncIterable<OrderedDict>;
  problems: string[];
}

export interface SyntheticEvents extends EndpointEvents {
  /** Activities per second. */
  readonly rate: number;
  /** Events of an ETW provider (Sysmon; Microsoft-Windows-Kernel-Process start events). */
  etw(guid: string, signal: AbortSignal): EventStream;
  /** New records of event log files (Security.evtx, the Sysmon operational log), in time order. */
  evtx(paths: string[], signal: AbortSignal): EventStream;
  /**
   * Records already in event log files, oldest first (parse_evtx()): the Defender operational
   * log's last days (activity/defender.ts), and the Security and Sysmon logs' records of the
   * last HISTORY_SLOTS activities.
   */
  evtxRecords(paths: string[]): { rows: OrderedDict[]; problems: string[] };
  /** Win32_ProcessStartTrace or `__InstanceCreationEvent ... ISA 'Win32_Process'` events. */
  wmi(query: string, signal: AbortSignal): EventStream;
}

export interface EventOptions {
  /** Activities per endpoint per second (default 1); 0 = a quiet endpoint. */
  rate?: number;
  /** Milliseconds since the epoch (tests inject it; timers stay real). */
  now?: () => number;
}

export const DEFAULT_EVENT_RATE = 1;
/** followLines(fromStart) gives this many lines as the file's current content. */
const LINES_AT_START = 64;
/** A poll after a long pause catches up at most this many slots (the older lines are skipped). */
const MAX_CATCH_UP = 100_000;

type Rows<T> = T | T[] | undefined;

async function* follow<T>(e: EndpointActivity, now: () => number, signal: AbortSignal, map: (a: Activity) => Rows<T>): AsyncGenerator<T> {
  let k = e.slots.lastAt(now()) + 1;
  for (;;) {
    const wait = e.slots.timeOf(k) - now();
    if (wait > 0) await sleep(Math.ceil(wait), undefined, { signal });
    signal.throwIfAborted();
    const rows = map(e.at(k++));
    if (Array.isArray(rows)) yield* rows;
    else if (rows !== undefined) yield rows;
  }
}

async function* quiet<T>(signal: AbortSignal): AsyncGenerator<T> {
  await sleep(2 ** 31 - 1, undefined, { signal });
}

const pair = (a: OrderedDict | undefined, b: OrderedDict | undefined): Rows<OrderedDict> => (a && b ? [a, b] : (a ?? b));
const normal = (guid: string) => guid.trim().toUpperCase().replace(/^\{?(.*?)\}?$/, "{$1}");
const baseOf = (path: string) => path.replace(/\\/g, "/").split("/").pop()!.toLowerCase();
const evtxChannel = (path: string) => {
  const base = baseOf(path);
  return base === "security.evtx" ? "Security" : base === "microsoft-windows-sysmon%4operational.evtx" ? "Sysmon" : undefined;
};
/** parse_evtx() over the Security or Sysmon log reads the records of this many last activities. */
const HISTORY_SLOTS = 2000;
const slash = (p: string) => p.replace(/\\/g, "/");

function fileInfo(path: string, size: number, ms: number) {
  const t = new Date(ms);
  const name = path.slice(path.lastIndexOf("/") + 1);
  return { Name: name, OSPath: path, Size: size, Mode: "-rw-r--r--", IsDir: false, IsLink: false, Mtime: t, Atime: t, Ctime: t, Btime: t };
}

/**
 * A pooled endpoint's sources. A class, not closures: pool mode keeps one per agent, and this
 * costs a few fields each until a query opens a source.
 */
class SyntheticEventSources implements SyntheticEvents {
  readonly rate: number;
  private readonly now: () => number;
  constructor(
    private readonly profile: Profile,
    o: EventOptions,
  ) {
    this.rate = o.rate ?? DEFAULT_EVENT_RATE;
    this.now = o.now ?? Date.now;
  }

  private get active(): boolean {
    return this.rate > 0;
  }

  private activity(): EndpointActivity {
    return new EndpointActivity(this.profile, this.rate);
  }

  private stream(signal: AbortSignal, map: (e: EndpointActivity, a: Activity) => Rows<OrderedDict>, problems: string[] = []): EventStream {
    if (!this.active) return { rows: quiet(signal), problems };
    const e = this.activity();
    return { rows: follow(e, this.now, signal, (a) => map(e, a)), problems };
  }

  private notHere(what: string): EventStream {
    return { problems: [`${what} is not available on this endpoint (${this.profile.os})`] };
  }

  /** Lines of `path` in slots first..last (none when it is not one of this endpoint's logs). */
  private linesOf(e: EndpointActivity, path: string, first: number, last: number): string[] {
    const file = this.profile.os === "linux" ? syslogFileOf(e, path) : undefined;
    if (!file) return [];
    const out: string[] = [];
    for (let k = Math.max(first, last - MAX_CATCH_UP); k <= last; k++) {
      const a = e.at(k);
      if (a.kind === "syslog" && a.file === file) out.push(syslogLine(e, a));
    }
    return out;
  }

  async followLines(path: string, opts: { fromStart: boolean; bufferSize: number }): Promise<LineFollower> {
    const e = this.activity();
    let next = this.active ? e.slots.lastAt(this.now()) + 1 : 0;
    // "The lines already there": the file's last lines.
    let startLines = opts.fromStart && this.active ? this.linesOf(e, path, next - 20 * LINES_AT_START, next - 1).slice(-LINES_AT_START) : [];
    const pieces = (line: string) => {
      if (Buffer.byteLength(line) <= opts.bufferSize) return [line];
      const out: string[] = [];
      for (let i = 0; i < line.length; i += opts.bufferSize) out.push(line.slice(i, i + opts.bufferSize));
      return out;
    };
    return {
      poll: async () => {
        if (!this.active) return [];
        const last = e.slots.lastAt(this.now());
        const lines = [...startLines, ...this.linesOf(e, path, next, last)];
        startLines = [];
        next = last + 1;
        return lines.flatMap(pieces);
      },
      close: async () => {},
    };
  }

  journal({ signal }: { files?: string[]; signal: AbortSignal }): AsyncIterable<Record<string, unknown>> {
    if (this.profile.os !== "linux" || !this.active) return quiet<Record<string, unknown>>(signal);
    const e = this.activity();
    return follow<Record<string, unknown>>(e, this.now, signal, (a) => (a.kind === "syslog" ? journalEntry(e, a) : undefined));
  }

  watchFiles(patterns: string[], { root, signal, onReady }: { root?: string; signal: AbortSignal; onReady?: (directories: number) => void }): AsyncIterable<FileChange> {
    const windows = this.profile.os === "windows";
    const matcher = new WatchMatcher(patterns.map(slash), root ? slash(root) : "/");
    const matches = (path: string) => matcher.isMatch(windows ? `/${slash(path)}` : path);
    onReady?.(matcher.literalPrefixes().length);
    if (!this.active || this.profile.os === "darwin") return quiet<FileChange>(signal);
    const e = this.activity();
    const logs = this.profile.os === "linux" ? syslogFiles(e) : undefined;
    let logSize = 1 << 20;
    return follow(e, this.now, signal, (a): FileChange[] | undefined => {
      const touched = [...(a.files ?? [])];
      if (logs && a.kind === "syslog") touched.push({ action: "modified", path: logs[a.file], size: (logSize += 120) });
      const out: FileChange[] = [];
      for (const t of touched) if (matches(t.path)) out.push({ Action: t.action, OSPath: t.path, Info: fileInfo(t.path, t.size, a.time) });
      return out.length ? out : undefined;
    });
  }

  etw(guid: string, signal: AbortSignal): EventStream {
    if (this.profile.os !== "windows") return this.notHere("ETW");
    const g = normal(guid);
    if (g === SYSMON_GUID) return this.stream(signal, sysmonEtwRow);
    if (g === KERNEL_PROCESS_GUID) return this.stream(signal, kernelProcessEtwRow);
    return { problems: [`provider ${g} has no synthetic events (Sysmon ${SYSMON_GUID} and Microsoft-Windows-Kernel-Process ${KERNEL_PROCESS_GUID} have)`] };
  }

  evtx(paths: string[], signal: AbortSignal): EventStream {
    if (this.profile.os !== "windows") return this.notHere("the Windows event log");
    const channels = new Set<"Security" | "Sysmon">();
    const problems: string[] = [];
    for (const p of paths) {
      const c = evtxChannel(p);
      if (c) channels.add(c);
      else problems.push(`${p} has no synthetic events (Security.evtx and Microsoft-Windows-Sysmon%4Operational.evtx have)`);
    }
    if (!channels.size) return { problems };
    const list = [...channels];
    // One activity may be in both logs (a process creation is Sysmon 1 and Security 4688):
    // each is its own record, so a slot can give two rows.
    return this.stream(signal, (e, a) => (list.length === 1 ? evtxRow(e, a, list[0]!) : pair(evtxRow(e, a, list[0]!), evtxRow(e, a, list[1]!))), problems);
  }

  evtxRecords(paths: string[]): { rows: OrderedDict[]; problems: string[] } {
    if (this.profile.os !== "windows") return { rows: [], problems: [`the Windows event log is not available on this endpoint (${this.profile.os})`] };
    const rows: OrderedDict[] = [];
    const problems: string[] = [];
    const now = this.now();
    for (const p of paths) {
      if (baseOf(p) === DEFENDER_LOG_FILE) {
        rows.push(...defenderRecords(this.profile, now));
        continue;
      }
      const channel = evtxChannel(p);
      if (!channel) {
        problems.push(`${p} has no synthetic records (Security.evtx, Microsoft-Windows-Sysmon%4Operational.evtx and Microsoft-Windows-Windows Defender%4Operational.evtx have)`);
        continue;
      }
      if (!this.active) continue;
      const e = this.activity();
      const last = e.slots.lastAt(now);
      for (let k = Math.max(e.bootSlot, last - HISTORY_SLOTS + 1); k <= last; k++) {
        const r = evtxRow(e, e.at(k), channel);
        if (r) rows.push(r);
      }
    }
    return { rows, problems };
  }

  wmi(query: string, signal: AbortSignal): EventStream {
    if (this.profile.os !== "windows") return this.notHere("WMI");
    if (/\bWin32_ProcessStartTrace\b/i.test(query)) return this.stream(signal, (_e, a) => processStartTraceRow(a));
    if (/__InstanceCreationEvent/i.test(query) && /'Win32_Process'/i.test(query)) return this.stream(signal, instanceCreationRow);
    return { problems: ["only Win32_ProcessStartTrace and __InstanceCreationEvent of Win32_Process have synthetic events"] };
  }
}

export function createSyntheticEvents(profile: Profile, o: EventOptions = {}): SyntheticEvents {
  return new SyntheticEventSources(profile, o);
}
