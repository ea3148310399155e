// What happens in one slot of a synthetic Windows endpoint: ordinary activity (programs of the
// catalogue starting, connections, DNS queries, files written, logons and logoffs), or on an
// adversary's host, now and then, its seven steps (adversary.ts). Pure: (endpoint, slot) in,
// Activity out.
import { Rng } from "@/engine/client/pool/random";
import { type Activity, type AnchorName, type AnchorProc, type EndpointActivity, type Logon, LONG_MS, type SynthProcess, guidOf } from "./activity";
import { windowsAdversaryStep } from "./adversary";
import { mix } from "./slots";
import { accountSid, FIRST_NAMES, interactiveUser, NETWORK, randomWorkstationIp } from "./people";
import { type WinProgram, WINDOWS_PROGRAMS, type Who } from "./windows-programs";

function weighted(list: readonly WinProgram[]) {
  const total = list.reduce((s, p) => s + p.weight, 0);
  return (r: Rng) => {
    let x = r.next() * total;
    for (const p of list) if ((x -= p.weight) < 0) return p;
    return list[list.length - 1]!;
  };
}

const pickers = new Map<string, (r: Rng) => WinProgram>();
function picker(server: boolean, long: boolean) {
  const key = `${server}/${long}`;
  let f = pickers.get(key);
  if (!f) pickers.set(key, (f = weighted(WINDOWS_PROGRAMS.filter((p) => p.long === long && p.weight > 0 && (p.on === "both" || p.on === (server ? "server" : "workstation"))))));
  return f;
}

/** Dynamic pids: above the static table's, multiples of 4 as on Windows. */
export const winPid = (k: number) => 24_000 + 4 * (k % 0x10_0000);

const LOGON_IDS: Record<Who, string> = { system: "0x3e7", "network-service": "0x3e4", "local-service": "0x3e5", user: "", iis: "" };

function userOf(who: Who, e: EndpointActivity): string {
  switch (who) {
    case "system":
      return "NT AUTHORITY\\SYSTEM";
    case "network-service":
      return "NT AUTHORITY\\NETWORK SERVICE";
    case "local-service":
      return "NT AUTHORITY\\LOCAL SERVICE";
    case "iis":
      return "IIS APPPOOL\\DefaultAppPool";
    case "user":
      return `CORP\\${interactiveUser(e.profile)}`;
  }
}

export interface StartOptions {
  user?: string;
  parent?: AnchorProc;
  args?: string;
  lifeMs?: number;
}

/** A process of `prog` starting in slot k. */
export function startWindowsProcess(e: EndpointActivity, k: number, prog: WinProgram, r: Rng, o: StartOptions = {}): SynthProcess {
  const time = e.slots.timeOf(k);
  const parent = o.parent ?? e.anchor(prog.parent);
  const user = o.user ?? userOf(prog.who, e);
  const short = user.slice(user.indexOf("\\") + 1);
  const image = prog.image.replace("%U", short);
  const args = (o.args ?? r.pick(prog.args)).replace(/%U/g, short).replace(/%N/g, () => String(r.int(1, 9999)));
  const pid = winPid(k);
  const system = user.startsWith("NT AUTHORITY\\");
  const life = o.lifeMs ?? (prog.long ? r.int(60_000, LONG_MS) : r.int(100, e.shortMs));
  return {
    pid,
    ppid: parent.pid,
    name: image.slice(image.lastIndexOf("\\") + 1),
    image,
    commandLine: args ? `"${image}" ${args}` : `"${image}"`,
    user,
    uid: system ? 0 : 1000,
    start: time,
    end: time + life,
    guid: guidOf(e.profile.seed, k, "process"),
    parentGuid: parent.guid,
    parentImage: parent.image,
    parentCommandLine: parent.commandLine,
    parentUser: parent.user,
    currentDirectory: system || user.startsWith("IIS") ? "C:\\Windows\\system32\\" : `C:\\Users\\${short}\\`,
    integrity: system ? "System" : user.startsWith("IIS") ? "High" : "Medium",
    logonId: LOGON_IDS[prog.who] || `0x${(mix(e.profile.seed, short.length, 0x1091) & 0xfffff).toString(16)}`,
    session: system || user.startsWith("IIS") ? 0 : e.profile.kind === "windows-server" ? 2 : 1,
    program: prog,
  };
}

const DESTINATIONS = [
  { host: "login.microsoftonline.com", ip: "192.0.2.10", port: 443 },
  { host: "settings-win.data.microsoft.com", ip: "192.0.2.11", port: 443 },
  { host: "wdcp.microsoft.com", ip: "192.0.2.12", port: 443 },
  { host: "outlook.office365.com", ip: "192.0.2.13", port: 443 },
  { host: "www.google.com", ip: "192.0.2.14", port: 443 },
  { host: NETWORK.fileServer.host, ip: NETWORK.fileServer.ip, port: 445 },
  { host: NETWORK.dc.host, ip: NETWORK.dc.ip, port: 389 },
  { host: NETWORK.proxy.host, ip: NETWORK.proxy.ip, port: 8080 },
];
const NETWORK_ANCHORS: AnchorName[] = ["svchost", "defender", "explorer", "w3wp"];
const TEMP_FILES = ["AppData\\Local\\Temp\\~DF%H.TMP", "AppData\\Local\\Microsoft\\Windows\\INetCache\\IE\\%H\\report[1].pdf", "Downloads\\invoice_%H.pdf"];

function ordinaryLogon(e: EndpointActivity, r: Rng): Logon {
  const server = e.profile.kind === "windows-server";
  const x = r.next();
  const logonId = `0x${r.int(0x10000, 0xffffff).toString(16)}`;
  const base = { success: true, port: 0, workstation: "-", logonId, domain: "CORP" };
  if (x < 0.35) return { ...base, user: "SYSTEM", domain: "NT AUTHORITY", sid: "S-1-5-18", logonType: 5, ip: "-", logonProcess: "Advapi  ", authPackage: "Negotiate" };
  if (server && x < 0.6 && e.anchor("w3wp").name === "w3wp.exe") return { ...base, user: "svc_iis", sid: accountSid("svc_iis"), logonType: 5, ip: "-", logonProcess: "Advapi  ", authPackage: "Negotiate" };
  if (!server && x < 0.7) {
    const user = interactiveUser(e.profile);
    return { ...base, user, sid: accountSid(user), logonType: r.pick([2, 7, 7, 11]), ip: "127.0.0.1", workstation: e.profile.hostname, logonProcess: "User32 ", authPackage: "Negotiate" };
  }
  const failed = r.next() < 0.1;
  const user = server ? r.pick(FIRST_NAMES) : "svc_sccm";
  const l: Logon = { ...base, success: !failed, user, sid: accountSid(user), logonType: 3, ip: server ? randomWorkstationIp(r) : NETWORK.sccm.ip, port: r.int(49152, 65535), workstation: "-", logonProcess: failed ? "NtLmSsp " : "Kerberos", authPackage: failed ? "NTLM" : "Kerberos" };
  if (failed) l.status = "0xc000006d";
  return l;
}

export function windowsActivity(e: EndpointActivity, k: number): Activity {
  if (e.adversary) {
    const step = windowsAdversaryStep(e, k);
    if (step) return step;
  }
  const time = e.slots.timeOf(k);
  const r = new Rng(mix(e.profile.seed, k, 0x1001));
  const server = e.profile.kind === "windows-server";
  if (k % e.longEvery === 0) return { k, time, kind: "process", proc: startWindowsProcess(e, k, picker(server, true)(r), r) };
  const x = r.next();
  if (x < 0.45) return { k, time, kind: "process", proc: startWindowsProcess(e, k, picker(server, false)(r), r) };
  if (x < 0.8) {
    const proc = e.anchor(r.pick(NETWORK_ANCHORS));
    if (x < 0.6) {
      const d = r.pick(DESTINATIONS);
      return { k, time, kind: "network", proc, protocol: "tcp", sourcePort: r.int(49152, 65535), destIp: d.ip, destHost: d.host, destPort: d.port };
    }
    if (x < 0.72) {
      const d = r.pick(DESTINATIONS);
      return { k, time, kind: "dns", proc, query: d.host, results: `::ffff:${d.ip};` };
    }
    const hex = (mix(e.profile.seed, k, 0xf11e) >>> 0).toString(16).toUpperCase();
    const target = proc.name === "svchost.exe" ? `C:\\Windows\\Prefetch\\${r.pick(WINDOWS_PROGRAMS).original.toUpperCase()}-${hex}.pf` : `C:\\Users\\${interactiveUser(e.profile)}\\${r.pick(TEMP_FILES).replace("%H", hex)}`;
    return { k, time, kind: "file", proc, target, files: [{ action: "created", path: target, size: 512 * r.int(1, 400) }] };
  }
  const logon = ordinaryLogon(e, r);
  return x < 0.95 || !logon.success ? { k, time, kind: "logon", logon } : { k, time, kind: "logoff", logon };
}

