// The operating system's event sources on a synthetic endpoint, for the pool's watch_etw(),
// watch_evtx(), wmi_events() and watch_syslog(): each stream follows the endpoint's activity
// timeline from the moment it is opened, one slot at a time, sleeping until each slot is due, and
// keeps the slots its source would see. Nothing runs and nothing is kept until a query opens a
// stream; a stream holds only its position and a few anchor pids.
import { setTimeout as sleep } from "node:timers/promises";
import { OrderedDict } from "@/engine/vql";
import type { Profile } from "./profiles";
import { type Activity, EndpointActivity } from "./activity/activity";
import { syslogFileOf, syslogLine } from "./activity/linux-rows";
import { evtxRow, instanceCreationRow, KERNEL_PROCESS_GUID, kernelProcessEtwRow, processStartTraceRow, SYSMON_GUID, sysmonEtwRow } from "./activity/windows-rows";

/** The rows, when the endpoint has any for the source, and why it has none for some of what was asked. */
export interface EventStream {
  rows?: AsyncIterable<OrderedDict>;
  problems: string[];
}

export interface SyntheticEvents {
  /** Activities per second. */
  readonly rate: number;
  /** Events of an ETW provider (Sysmon; Microsoft-Windows-Kernel-Process start events). */
  etw(guid: string, signal: AbortSignal): EventStream;
  /** New records of event log files (Security.evtx, the Sysmon operational log), in time order. */
  evtx(paths: string[], signal: AbortSignal): EventStream;
  /** Win32_ProcessStartTrace or `__InstanceCreationEvent ... ISA 'Win32_Process'` events. */
  wmi(query: string, signal: AbortSignal): EventStream;
  /** New lines of syslog files (auth.log or secure, syslog or messages), in time order. */
  syslog(paths: string[], signal: AbortSignal): EventStream;
}

export interface EventOptions {
  /** Activities per endpoint per second (default 1); 0 = a quiet endpoint. */
  rate?: number;
  /** Milliseconds since the epoch (tests inject it; timers stay real). */
  now?: () => number;
}

export const DEFAULT_EVENT_RATE = 1;

type Rows = OrderedDict | OrderedDict[] | undefined;

async function* follow(e: EndpointActivity, now: () => number, signal: AbortSignal, map: (a: Activity) => Rows): AsyncGenerator<OrderedDict> {
  let k = e.slots.lastAt(now()) + 1;
  for (;;) {
    const wait = e.slots.timeOf(k) - now();
    if (wait > 0) await sleep(Math.ceil(wait), undefined, { signal });
    signal.throwIfAborted();
    const rows = map(e.at(k++));
    if (Array.isArray(rows)) yield* rows;
    else if (rows) yield rows;
  }
}

const pair = (a: OrderedDict | undefined, b: OrderedDict | undefined): Rows => (a && b ? [a, b] : (a ?? b));

async function* quiet(signal: AbortSignal): AsyncGenerator<OrderedDict> {
  await sleep(2 ** 31 - 1, undefined, { signal });
}

const normal = (guid: string) => guid.trim().toUpperCase().replace(/^\{?(.*?)\}?$/, "{$1}");
const evtxChannel = (path: string) => {
  const base = path.replace(/\\/g, "/").split("/").pop()!.toLowerCase();
  return base === "security.evtx" ? "Security" : base === "microsoft-windows-sysmon%4operational.evtx" ? "Sysmon" : undefined;
};

const lineRow = (line: string) => new OrderedDict([["Line", line]]);

export function createSyntheticEvents(profile: Profile, o: EventOptions = {}): SyntheticEvents {
  const rate = o.rate ?? DEFAULT_EVENT_RATE;
  const now = o.now ?? Date.now;
  const windows = profile.os === "windows";
  const stream = (signal: AbortSignal, map: (e: EndpointActivity, a: Activity) => Rows, problems: string[] = []): EventStream => {
    if (!(rate > 0)) return { rows: quiet(signal), problems };
    const e = new EndpointActivity(profile, rate);
    return { rows: follow(e, now, signal, (a) => map(e, a)), problems };
  };
  const notHere = (what: string): EventStream => ({ problems: [`${what} is not available on this endpoint (${profile.os})`] });
  return {
    rate,
    etw(guid, signal) {
      if (!windows) return notHere("ETW");
      const g = normal(guid);
      if (g === SYSMON_GUID) return stream(signal, sysmonEtwRow);
      if (g === KERNEL_PROCESS_GUID) return stream(signal, kernelProcessEtwRow);
      return { problems: [`provider ${g} has no synthetic events (Sysmon ${SYSMON_GUID} and Microsoft-Windows-Kernel-Process ${KERNEL_PROCESS_GUID} have)`] };
    },
    evtx(paths, signal) {
      if (!windows) return notHere("the Windows event log");
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
      return stream(signal, (e, a) => (list.length === 1 ? evtxRow(e, a, list[0]!) : pair(evtxRow(e, a, list[0]!), evtxRow(e, a, list[1]!))), problems);
    },
    wmi(query, signal) {
      if (!windows) return notHere("WMI");
      if (/\bWin32_ProcessStartTrace\b/i.test(query)) return stream(signal, (_e, a) => processStartTraceRow(a));
      if (/__InstanceCreationEvent/i.test(query) && /'Win32_Process'/i.test(query)) return stream(signal, instanceCreationRow);
      return { problems: ["only Win32_ProcessStartTrace and __InstanceCreationEvent of Win32_Process have synthetic events"] };
    },
    syslog(paths, signal) {
      if (profile.os !== "linux") return notHere("syslog");
      const files = new Set<string>();
      const problems: string[] = [];
      for (const p of paths) {
        const f = syslogFileOf({ profile }, p);
        if (f) files.add(f);
        else problems.push(`${p} has no synthetic lines (this endpoint writes ${profile.platform === "rhel" ? "/var/log/secure and /var/log/messages" : "/var/log/auth.log and /var/log/syslog"})`);
      }
      if (!files.size) return { problems };
      return stream(signal, (e, a) => (a.kind === "syslog" && files.has(a.file) ? lineRow(syslogLine(e, a)) : undefined), problems);
    },
  };
}
