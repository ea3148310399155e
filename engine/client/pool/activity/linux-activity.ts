// What happens in one slot of a synthetic Linux endpoint: exactly one syslog line (auth.log or
// syslog: SSH logins of deploy users, internet scanners guessing passwords, cron jobs, sudo,
// systemd units, firewall drops), some with the process they start, or on an adversary's host
// one of its steps (adversary.ts). Pure: (endpoint, slot) in, Activity out.
import { Rng } from "@/engine/client/pool/random";
import { type Activity, type AnchorProc, type EndpointActivity, LONG_MS, type SynthProcess, guidOf } from "./activity";
import { linuxAdversaryStep } from "./adversary";
import { NETWORK, randomWorkstationIp } from "./people";
import { mix } from "./slots";

/** Dynamic pids: above the static table's. */
export const linuxPid = (k: number) => 3000 + (k % 0x10_0000);

export interface LinuxStart {
  exe: string;
  commandLine: string;
  user: string;
  parent: AnchorProc;
  lifeMs: number;
}

export function startLinuxProcess(e: EndpointActivity, k: number, o: LinuxStart): SynthProcess {
  const time = e.slots.timeOf(k);
  const name = o.commandLine.startsWith("sshd:") ? "sshd" : o.exe.slice(o.exe.lastIndexOf("/") + 1);
  return {
    pid: linuxPid(k),
    ppid: o.parent.pid,
    name,
    image: o.exe,
    commandLine: o.commandLine,
    user: o.user,
    uid: o.user === "root" ? 0 : 1001,
    start: time,
    end: time + o.lifeMs,
    guid: guidOf(e.profile.seed, k, "process"),
    parentGuid: o.parent.guid,
    parentImage: o.parent.image,
    parentCommandLine: o.parent.commandLine,
    parentUser: o.parent.user,
    currentDirectory: o.user === "root" ? "/root" : `/home/${o.user}`,
    integrity: "",
    logonId: "",
    session: 0,
  };
}

const CRON_JOBS = ["/usr/local/bin/backup.sh", "command -v debian-sa1 > /dev/null && debian-sa1 1 1", "[ -x /usr/lib/php/sessionclean ] && /usr/lib/php/sessionclean", "/usr/bin/certbot -q renew"];
const UNITS = ["Daily apt download activities", "Cleanup of Temporary Directories", "Rotate log files", "Message of the Day", "Refresh fwupd metadata and update motd"];
const SUDO = ["/usr/bin/systemctl restart nginx", "/usr/bin/journalctl -u app --since today", "/usr/bin/apt-get update"];
const SCAN_USERS = ["admin", "oracle", "test", "ubuntu", "postgres", "git", "user"];
const deployUser = (e: EndpointActivity) => (e.profile.users.find((u) => u !== "root") ?? "deploy");

export function linuxActivity(e: EndpointActivity, k: number): Activity {
  if (e.adversary) {
    const step = linuxAdversaryStep(e, k);
    if (step) return step;
  }
  const time = e.slots.timeOf(k);
  const r = new Rng(mix(e.profile.seed, k, 0x2002));
  const base = { k, time, kind: "syslog" as const };
  const pid = linuxPid(k);
  if (k % e.longEvery === 0) {
    // A deploy user's SSH session: the login line, and sshd's session process for minutes.
    const user = deployUser(e);
    const proc = startLinuxProcess(e, k, { exe: "/usr/sbin/sshd", commandLine: `sshd: ${user} [priv]`, user: "root", parent: e.anchor("sshd"), lifeMs: r.int(60_000, LONG_MS) });
    const key = (mix(e.profile.seed, user.length, 0x55) >>> 0).toString(36);
    return { ...base, file: "auth", program: "sshd", pid, message: `Accepted publickey for ${user} from ${randomWorkstationIp(r)} port ${r.int(32768, 61000)} ssh2: ED25519 SHA256:${key}${key}${key}`, proc };
  }
  const x = r.next();
  if (x < 0.25) {
    const job = r.pick(CRON_JOBS);
    const proc = startLinuxProcess(e, k, { exe: "/bin/sh", commandLine: `/bin/sh -c ${job}`, user: "root", parent: e.anchor("cron"), lifeMs: r.int(100, e.shortMs) });
    return { ...base, file: "syslog", program: "CRON", pid, message: `(root) CMD (${job})`, proc };
  }
  if (x < 0.4) return { ...base, file: "auth", program: "CRON", pid, message: r.next() < 0.5 ? "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)" : "pam_unix(cron:session): session closed for user root" };
  if (x < 0.55) {
    const ip = `203.0.113.${r.int(1, 255)}`;
    const user = r.pick(SCAN_USERS);
    return { ...base, file: "auth", program: "sshd", pid, message: r.next() < 0.6 ? `Failed password for invalid user ${user} from ${ip} port ${r.int(32768, 61000)} ssh2` : `Connection closed by invalid user ${user} ${ip} port ${r.int(32768, 61000)} [preauth]` };
  }
  if (x < 0.65) {
    const user = deployUser(e);
    const cmd = r.pick(SUDO);
    const proc = startLinuxProcess(e, k, { exe: cmd.split(" ")[0]!, commandLine: cmd, user: "root", parent: e.anchor("bash"), lifeMs: r.int(100, e.shortMs) });
    return { ...base, file: "auth", program: "sudo", pid: 0, message: `  ${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=${cmd}`, proc };
  }
  if (x < 0.85) {
    const unit = r.pick(UNITS);
    return { ...base, file: "syslog", program: "systemd", pid: 1, message: r.next() < 0.5 ? `Starting ${unit}...` : `Finished ${unit}.` };
  }
  if (x < 0.95) return { ...base, file: "syslog", program: "kernel", pid: 0, message: `[UFW BLOCK] IN=eth0 OUT= MAC=${e.profile.mac}:00:00 SRC=203.0.113.${r.int(1, 255)} DST=${e.profile.ip} LEN=44 TOS=0x00 PREC=0x00 TTL=${r.int(40, 250)} ID=${r.int(1, 65535)} PROTO=TCP SPT=${r.int(1024, 65535)} DPT=${r.pick([23, 445, 3389, 5900, 8080])} WINDOW=1024 RES=0x00 SYN URGP=0` };
  return { ...base, file: "syslog", program: "systemd-timesyncd", pid: 600 + (e.profile.seed % 300), message: `Initial synchronization to time server ${NETWORK.proxy.ip}:123 (ntp.corp.example).` };
}
