// Synthetic process tables per kind of endpoint: well-known system processes, services and
// user applications, with deterministic pids, parents, users and start times.
import type { ProcessInfo } from "@/engine/endpoint/builtins/system";
import type { Kind, Profile } from "./profiles";
import { Rng } from "./random";

type Template = [name: string, exe: string, args: string, user: "system" | "service" | "user", min: number, max: number];

const WINDOWS_BASE: Template[] = [
  ["System", "", "", "system", 1, 2],
  ["smss.exe", "C:\\Windows\\System32\\smss.exe", "", "system", 1, 2],
  ["csrss.exe", "C:\\Windows\\System32\\csrss.exe", "ObjectDirectory=\\Windows SharedSection=1024,20480,768", "system", 2, 3],
  ["wininit.exe", "C:\\Windows\\System32\\wininit.exe", "", "system", 1, 2],
  ["services.exe", "C:\\Windows\\System32\\services.exe", "", "system", 1, 2],
  ["lsass.exe", "C:\\Windows\\System32\\lsass.exe", "", "system", 1, 2],
  ["svchost.exe", "C:\\Windows\\System32\\svchost.exe", "-k netsvcs -p", "system", 20, 60],
  ["spoolsv.exe", "C:\\Windows\\System32\\spoolsv.exe", "", "system", 1, 2],
  ["MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MsMpEng.exe", "", "system", 1, 2],
  ["WmiPrvSE.exe", "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe", "-secured -Embedding", "service", 1, 3],
];
const WINDOWS_SERVER: Template[] = [
  ["w3wp.exe", "C:\\Windows\\System32\\inetsrv\\w3wp.exe", "-ap \"DefaultAppPool\"", "service", 0, 4],
  ["sqlservr.exe", "C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe", "-sMSSQLSERVER", "service", 0, 2],
  ["dns.exe", "C:\\Windows\\System32\\dns.exe", "", "system", 0, 2],
  ["ServerManager.exe", "C:\\Windows\\System32\\ServerManager.exe", "", "user", 0, 2],
];
const WINDOWS_DESKTOP: Template[] = [
  ["explorer.exe", "C:\\Windows\\explorer.exe", "", "user", 1, 2],
  ["chrome.exe", "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "--type=renderer", "user", 0, 25],
  ["msedge.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", "--type=renderer", "user", 0, 12],
  ["OUTLOOK.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", "", "user", 0, 2],
  ["Teams.exe", "C:\\Users\\%U\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe", "", "user", 0, 5],
  ["powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "-NoProfile", "user", 0, 2],
];
// Sysmon runs on every synthetic Windows endpoint (its events are what watch_etw() and the
// Sysmon event log report); last in the table so the processes before it keep their pids.
const WINDOWS_SENSORS: Template[] = [["Sysmon64.exe", "C:\\Windows\\Sysmon64.exe", "", "system", 1, 2]];
const LINUX_BASE: Template[] = [
  ["systemd", "/usr/lib/systemd/systemd", "--system --deserialize 31", "system", 1, 2],
  ["kthreadd", "", "", "system", 1, 2],
  ["kworker/0:1", "", "", "system", 4, 24],
  ["dbus-daemon", "/usr/bin/dbus-daemon", "--system --address=systemd: --nofork --nopidfile --systemd-activation", "service", 1, 2],
  ["systemd-logind", "/usr/lib/systemd/systemd-logind", "", "system", 1, 2],
  ["agetty", "/sbin/agetty", "-o -p -- \\u --noclear tty1 linux", "system", 1, 2],
  ["systemd-journald", "/usr/lib/systemd/systemd-journald", "", "system", 1, 2],
  ["systemd-udevd", "/usr/lib/systemd/systemd-udevd", "", "system", 1, 2],
  ["cron", "/usr/sbin/cron", "-f", "system", 1, 2],
  ["sshd", "/usr/sbin/sshd", "-D", "system", 1, 4],
  ["rsyslogd", "/usr/sbin/rsyslogd", "-n -iNONE", "service", 1, 2],
  ["nginx", "/usr/sbin/nginx", "-g daemon off;", "service", 0, 5],
  ["postgres", "/usr/lib/postgresql/15/bin/postgres", "-D /var/lib/postgresql/15/main", "service", 0, 8],
  ["java", "/usr/bin/java", "-Xmx2g -jar /opt/app/service.jar", "service", 0, 2],
  ["bash", "/usr/bin/bash", "-l", "user", 0, 3],
];
const MAC_BASE: Template[] = [
  ["launchd", "/sbin/launchd", "", "system", 1, 2],
  ["kernel_task", "", "", "system", 1, 2],
  ["syslogd", "/usr/sbin/syslogd", "", "system", 1, 2],
  ["configd", "/usr/libexec/configd", "", "system", 1, 2],
  ["cfprefsd", "/usr/sbin/cfprefsd", "daemon", "system", 2, 4],
  ["coreaudiod", "/usr/sbin/coreaudiod", "", "service", 1, 2],
  ["trustd", "/usr/libexec/trustd", "", "system", 1, 3],
  ["WindowServer", "/System/Library/PrivateFrameworks/SkyLight.framework/Resources/WindowServer", "-daemon", "service", 1, 2],
  ["mds_stores", "/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Support/mds_stores", "", "system", 1, 3],
  ["Finder", "/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder", "", "user", 1, 2],
  ["Safari", "/Applications/Safari.app/Contents/MacOS/Safari", "", "user", 0, 2],
  ["Slack Helper", "/Applications/Slack.app/Contents/Frameworks/Slack Helper.app/Contents/MacOS/Slack Helper", "--type=renderer", "user", 0, 6],
  ["zsh", "/bin/zsh", "-l", "user", 0, 3],
];

function templates(kind: Kind): Template[] {
  switch (kind) {
    case "windows-server":
      return [...WINDOWS_BASE, ...WINDOWS_SERVER, ...WINDOWS_DESKTOP.slice(0, 1), ...WINDOWS_SENSORS];
    case "windows-workstation":
      return [...WINDOWS_BASE, ...WINDOWS_DESKTOP, ...WINDOWS_SENSORS];
    case "linux":
      return LINUX_BASE;
    case "macos":
      return MAC_BASE;
  }
}

export function* syntheticProcesses(p: Profile): Iterable<ProcessInfo> {
  const r = new Rng(p.seed ^ 0x5eed);
  const windows = p.os === "windows";
  const systemUser = windows ? "NT AUTHORITY\\SYSTEM" : "root";
  const serviceUser = windows ? "NT AUTHORITY\\NETWORK SERVICE" : p.os === "darwin" ? "_windowserver" : "www-data";
  let pid = windows ? 4 : 1;
  const first = pid;
  for (const [name, exe, args, who, min, max] of templates(p.kind)) {
    const n = r.int(min, max);
    for (let i = 0; i < n; i++) {
      const user = who === "system" ? systemUser : who === "service" ? serviceUser : (windows ? `CORP\\${p.users[p.users.length - 1]}` : p.users[p.users.length - 1]!);
      const path = exe.replace("%U", p.users[0]!);
      yield {
        Pid: pid,
        Ppid: pid === first ? 0 : first,
        Name: name,
        Username: user,
        Uid: who === "system" ? 0 : who === "service" ? 33 : 1000,
        Exe: path,
        CommandLine: path ? `${windows ? `"${path}"` : path}${args ? " " + args : ""}` : "",
        CreateTime: new Date((p.bootTime + r.int(0, 86400)) * 1000),
        Status: "running",
        Threads: r.int(1, 64),
        RSS: r.int(1, 400) * 1024 * 1024,
        VMS: r.int(400, 4000) * 1024 * 1024,
        UserTime: 0,
        SystemTime: 0,
      };
      pid += windows ? 4 * r.int(1, 50) : r.int(1, 40);
    }
  }
}
