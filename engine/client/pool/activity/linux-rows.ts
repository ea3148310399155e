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
