// Synthetic Linux activity as syslog text: `Oct  5 12:34:56 host program[pid]: message` lines
// (RFC 3164 time in UTC, as rsyslog writes by default), and which file a path names: auth.log
// or secure for the auth facility, syslog or messages for the rest (Debian and Ubuntu name them
// one way, RHEL the other).
import type { Activity, EndpointActivity } from "./activity";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

export function syslogTime(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

export function syslogLine(e: EndpointActivity, a: Activity & { kind: "syslog" }): string {
  return `${syslogTime(a.time)} ${e.profile.hostname} ${a.program}${a.pid ? `[${a.pid}]` : ""}: ${a.message}`;
}

export type SyslogFile = "auth" | "syslog";

/** The files this endpoint writes, by path. */
export function syslogFiles(e: Pick<EndpointActivity, "profile">): Record<SyslogFile, string> {
  const rhel = e.profile.platform === "rhel";
  return { auth: rhel ? "/var/log/secure" : "/var/log/auth.log", syslog: rhel ? "/var/log/messages" : "/var/log/syslog" };
}

/** Which of this endpoint's log files `path` is, if any. */
export function syslogFileOf(e: Pick<EndpointActivity, "profile">, path: string): SyslogFile | undefined {
  const files = syslogFiles(e);
  const p = path.replace(/\/+$/, "");
  return p === files.auth ? "auth" : p === files.syslog ? "syslog" : undefined;
}

const FACILITY: Record<SyslogFile, string> = { auth: "10", syslog: "3" };
const UNITS: Record<string, string> = { sshd: "ssh.service", CRON: "cron.service", crontab: "cron.service", systemd: "init.scope", "systemd-timesyncd": "systemd-timesyncd.service" };

/** The same activity as journalctl's JSON object for it (what the agent's journal source yields). */
export function journalEntry(e: EndpointActivity, a: Activity & { kind: "syslog" }): Record<string, unknown> {
  const us = String(Math.round(a.time * 1000));
  const seq = a.k - e.bootSlot;
  const entry: Record<string, unknown> = {
    __CURSOR: `s=${e.profile.seed.toString(16)};i=${seq.toString(16)};b=${e.profile.seed.toString(16)};m=${us};t=${us}`,
    __REALTIME_TIMESTAMP: us,
    __MONOTONIC_TIMESTAMP: String(Math.max(0, Math.round((a.time - e.profile.bootTime * 1000) * 1000))),
    __SEQNUM: String(seq),
    _BOOT_ID: e.profile.seed.toString(16).padStart(32, "0"),
    _MACHINE_ID: e.profile.seed.toString(16).padStart(8, "0").repeat(4),
    _HOSTNAME: e.profile.hostname,
    _TRANSPORT: a.program === "kernel" ? "kernel" : "syslog",
    PRIORITY: a.message.startsWith("Failed ") ? "5" : a.program === "kernel" ? "4" : "6",
    SYSLOG_FACILITY: a.program === "kernel" ? "0" : FACILITY[a.file],
    SYSLOG_IDENTIFIER: a.program,
    MESSAGE: a.message.replace(/^ +/, ""),
  };
  if (a.pid) Object.assign(entry, { SYSLOG_PID: String(a.pid), _PID: String(a.pid), _UID: "0", _GID: "0", _COMM: a.program.toLowerCase(), _SYSTEMD_UNIT: UNITS[a.program] ?? `${a.program}.service` });
  return entry;
}
