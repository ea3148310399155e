// A synthetic endpoint's activity: what happens in each slot (a process starting, a network
// connection, a DNS query, a file written, a logon or logoff on Windows; one syslog line,
// sometimes with a process, on Linux), which synthetic processes are alive at a given time, and
// the well-known processes new ones hang under. Everything is a pure function of the profile,
// the rate and the slot, so nothing is kept between calls but a few anchor pids; an
// EndpointActivity is built per query (or pslist() call) and dropped after it.
import type { Profile } from "@/engine/client/pool/profiles";
import { syntheticProcesses } from "@/engine/client/pool/processes";
import { linuxActivity } from "./linux-activity";
import { ADVERSARY_CYCLE } from "./adversary";
import { mix, Slots, unit } from "./slots";
import { windowsActivity } from "./windows-activity";
import type { Anchor, WinProgram } from "./windows-programs";

/** A process started by synthetic activity. Times are ms since the epoch. */
export interface SynthProcess {
  pid: number;
  ppid: number;
  name: string;
  image: string;
  commandLine: string;
  user: string;
  uid: number;
  start: number;
  end: number;
  /** Sysmon's ProcessGuid and the parent's. */
  guid: string;
  parentGuid: string;
  parentImage: string;
  parentCommandLine: string;
  parentUser: string;
  currentDirectory: string;
  integrity: string;
  logonId: string;
  session: number;
  /** Windows: PE version information and hashes come from the program. */
  program?: WinProgram;
}

export interface Logon {
  success: boolean;
  user: string;
  domain: string;
  sid: string;
  logonType: number;
  ip: string;
  port: number;
  workstation: string;
  logonProcess: string;
  authPackage: string;
  logonId: string;
  /** 4625's status for a failure. */
  status?: string;
}

interface Base {
  /** The slot. */
  k: number;
  /** When it happened, ms since the epoch. */
  time: number;
  /** Part of the adversary's activity (the ground truth tests check detections against). */
  adversary?: boolean;
  /** Files it creates or changes besides the logs it writes to (those are implied). */
  files?: FileTouch[];
}

export interface FileTouch {
  action: "created" | "modified" | "deleted";
  /** As the OS spells it (C:\... on Windows). */
  path: string;
  size: number;
}

export type Activity = Base &
  (
    | { kind: "process"; proc: SynthProcess }
    | { kind: "network"; proc: AnchorProc; protocol: "tcp" | "udp"; sourcePort: number; destIp: string; destHost: string; destPort: number }
    | { kind: "dns"; proc: AnchorProc; query: string; results: string }
    | { kind: "file"; proc: AnchorProc; target: string }
    | { kind: "logon"; logon: Logon }
    | { kind: "logoff"; logon: Logon }
    | { kind: "syslog"; file: "auth" | "syslog"; program: string; pid: number; message: string; proc?: SynthProcess }
  );

/** A well-known process of the endpoint's static table. */
export interface AnchorProc {
  pid: number;
  name: string;
  image: string;
  commandLine: string;
  user: string;
  guid: string;
}

export type AnchorName = Anchor | "lsass" | "sysmon" | "defender" | "sshd" | "cron" | "systemd" | "bash";

const ANCHOR_NAMES: Record<string, AnchorName> = {
  "explorer.exe": "explorer",
  "services.exe": "services",
  "svchost.exe": "svchost",
  "w3wp.exe": "w3wp",
  "WmiPrvSE.exe": "wmi",
  "lsass.exe": "lsass",
  "Sysmon64.exe": "sysmon",
  "MsMpEng.exe": "defender",
  sshd: "sshd",
  cron: "cron",
  systemd: "systemd",
  bash: "bash",
};

/**
 * Process lifetimes. Short-lived processes live at most SHORT_MS, less at high rates (so about
 * 100 are alive whatever the rate); long-lived ones (minutes, up to LONG_MS) start once per
 * LONG_PERIOD_MS of slots. A pslist() then looks at a bounded number of slots and shows a
 * realistic number of processes at any rate.
 */
export const SHORT_MS = 8_000;
export const LONG_MS = 30 * 60_000;
export const LONG_PERIOD_MS = 16_000;
/** How long the adversary's session (cmd.exe, sshd) lives at most. */
export const SESSION_MS = 10 * 60_000;

/** About one endpoint in eight hosts the adversary (deterministic per seed and index). */
export function hostsAdversary(p: Profile): boolean {
  return p.kind !== "macos" && unit(p.seed, p.index, 0xbad) < 0.125;
}

export class EndpointActivity {
  readonly slots: Slots;
  readonly adversary: boolean;
  private anchorMap?: Map<AnchorName, AnchorProc>;
  /** Slot at boot: record numbers count from here. */
  readonly bootSlot: number;
  /** Long-lived processes start in slots that are multiples of this. */
  readonly longEvery: number;
  /** Short-lived processes end within this. */
  readonly shortMs: number;
  /** The adversary's sessions live this long: two cycles, at least 30 s, at most SESSION_MS. */
  readonly sessionMs: number;

  constructor(
    readonly profile: Profile,
    rate: number,
  ) {
    this.slots = new Slots(profile.seed, rate);
    this.adversary = hostsAdversary(profile);
    this.bootSlot = this.slots.lastAt(profile.bootTime * 1000);
    this.longEvery = Math.max(16, Math.round((LONG_PERIOD_MS / 1000) * rate));
    this.shortMs = Math.max(200, Math.min(SHORT_MS, 200_000 / rate));
    this.sessionMs = Math.max(30_000, Math.min(SESSION_MS, ((2 * ADVERSARY_CYCLE) / rate) * 1000));
  }

  /** The first process of a well-known name, or a stand-in (services.exe, systemd). */
  anchor(name: AnchorName): AnchorProc {
    if (!this.anchorMap) {
      this.anchorMap = new Map();
      for (const p of syntheticProcesses(this.profile)) {
        const a = ANCHOR_NAMES[p.Name];
        if (a && !this.anchorMap.has(a)) this.anchorMap.set(a, { pid: p.Pid, name: p.Name, image: p.Exe, commandLine: p.CommandLine, user: p.Username, guid: guidOf(this.profile.seed, p.Pid, "static") });
      }
    }
    const found = this.anchorMap.get(name) ?? this.anchorMap.get(this.profile.os === "windows" ? "services" : "systemd");
    return found ?? { pid: 1, name: "init", image: "", commandLine: "", user: "root", guid: guidOf(this.profile.seed, 1, "static") };
  }

  /** What happens in slot k. */
  at(k: number): Activity {
    return this.profile.os === "windows" ? windowsActivity(this, k) : linuxActivity(this, k);
  }

  /**
   * Synthetic processes alive at `ms` (started at or before it, ending after it), by start time:
   * the slots where long-lived processes start in the last LONG_MS, the adversary's sessions in
   * the last sessionMs, and every slot of the last shortMs.
   */
  alive(ms: number): SynthProcess[] {
    const last = this.slots.lastAt(ms);
    const firstShort = this.slots.lastAt(ms - this.shortMs) + 1;
    const slots = new Set<number>();
    const every = (from: number, step: number) => {
      for (let k = Math.ceil(from / step) * step; k < firstShort; k += step) slots.add(k);
    };
    every(this.slots.lastAt(ms - LONG_MS) + 1, this.longEvery);
    if (this.adversary) every(this.slots.lastAt(ms - this.sessionMs) + 1, ADVERSARY_CYCLE);
    for (let k = firstShort; k <= last; k++) slots.add(k);
    const out: SynthProcess[] = [];
    for (const k of [...slots].sort((a, b) => a - b)) {
      const a = this.at(k);
      const proc = a.kind === "process" ? a.proc : a.kind === "syslog" ? a.proc : undefined;
      if (proc && proc.end > ms) out.push(proc);
    }
    return out;
  }
}

/** A Sysmon-style process GUID, stable for (seed, n, salt). */
export function guidOf(seed: number, n: number, salt: "static" | "process"): string {
  const s = salt === "static" ? 0x57a7 : 0x960c;
  const h = (i: number) => mix(seed, n, s + i).toString(16).padStart(8, "0").toUpperCase();
  const a = h(1);
  const b = h(2);
  return `{${h(0)}-${a.slice(0, 4)}-${a.slice(4)}-${b.slice(0, 4)}-${b.slice(4)}${h(3)}}`;
}
