// Synthetic Windows activity as the rows Velociraptor's event plugins give: Sysmon's EventData
// (process creation 1, network connection 3, file created 11, DNS query 22) for watch_etw() and
// the Sysmon event log, the Security log's 4624/4625/4634/4688 as watch_evtx() parses them
// (System with EventID.Value, TimeCreated.SystemTime, EventRecordID, Computer; EventData;
// Message), and Win32_ProcessStartTrace objects for wmi_events(). Field names and types are
// Windows'; values are synthetic.
import { OrderedDict, Timestamp } from "@/engine/vql";
import type { Activity, EndpointActivity, Logon, SynthProcess } from "./activity";
import { hashesOf } from "./windows-programs";

export const SYSMON_GUID = "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}";
export const KERNEL_PROCESS_GUID = "{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}";
const SECURITY_GUID = "{54849625-5478-4994-A5BA-3E3B0328C30D}";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
/** Sysmon's `2024-05-01 12:34:56.789` (UTC). */
export function utcTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}
/** 100 ns intervals since 1601, as text (too large for a double). */
export function winFiletime(ms: number): string {
  return ((BigInt(Math.round(ms)) + 11644473600000n) * 10000n).toString();
}
const hex = (n: number) => `0x${n.toString(16)}`;

function processCreate(p: SynthProcess): OrderedDict {
  const prog = p.program!;
  return new OrderedDict([
    ["RuleName", "-"],
    ["UtcTime", utcTime(p.start)],
    ["ProcessGuid", p.guid],
    ["ProcessId", p.pid],
    ["Image", p.image],
    ["FileVersion", prog.version],
    ["Description", prog.description],
    ["Product", prog.product],
    ["Company", prog.company],
    ["OriginalFileName", prog.original],
    ["CommandLine", p.commandLine],
    ["CurrentDirectory", p.currentDirectory],
    ["User", p.user],
    ["LogonGuid", `{${p.guid.slice(1, 9)}-0000-0000-${p.logonId.slice(2).padStart(4, "0").slice(-4)}-000000000000}`],
    ["LogonId", p.logonId],
    ["TerminalSessionId", p.session],
    ["IntegrityLevel", p.integrity],
    ["Hashes", hashesOf(prog).text],
    ["ParentProcessGuid", p.parentGuid],
    ["ParentProcessId", p.ppid],
    ["ParentImage", p.parentImage],
    ["ParentCommandLine", p.parentCommandLine],
    ["ParentUser", p.parentUser],
  ]);
}

/** Sysmon's event id and EventData for an activity Sysmon records, else undefined. */
export function sysmonEvent(a: Activity): { id: number; data: OrderedDict } | undefined {
  switch (a.kind) {
    case "process":
      return { id: 1, data: processCreate(a.proc) };
    case "network":
      return {
        id: 3,
        data: new OrderedDict([
          ["RuleName", "-"],
          ["UtcTime", utcTime(a.time)],
          ["ProcessGuid", a.proc.guid],
          ["ProcessId", a.proc.pid],
          ["Image", a.proc.image],
          ["User", a.proc.user],
          ["Protocol", a.protocol],
          ["Initiated", true],
          ["SourceIsIpv6", false],
          ["SourceIp", ""],
          ["SourceHostname", ""],
          ["SourcePort", a.sourcePort],
          ["SourcePortName", "-"],
          ["DestinationIsIpv6", false],
          ["DestinationIp", a.destIp],
          ["DestinationHostname", a.destHost],
          ["DestinationPort", a.destPort],
          ["DestinationPortName", a.destPort === 135 ? "epmap" : a.destPort === 445 ? "microsoft-ds" : a.destPort === 389 ? "ldap" : a.destPort === 443 ? "https" : "-"],
        ]),
      };
    case "file":
      return { id: 11, data: new OrderedDict([["RuleName", "-"], ["UtcTime", utcTime(a.time)], ["ProcessGuid", a.proc.guid], ["ProcessId", a.proc.pid], ["Image", a.proc.image], ["TargetFilename", a.target], ["CreationUtcTime", utcTime(a.time)], ["User", a.proc.user]]) };
    case "dns":
      return { id: 22, data: new OrderedDict([["RuleName", "-"], ["UtcTime", utcTime(a.time)], ["ProcessGuid", a.proc.guid], ["ProcessId", a.proc.pid], ["QueryName", a.query], ["QueryStatus", "0"], ["QueryResults", a.results], ["Image", a.proc.image], ["User", a.proc.user]]) };
    default:
      return undefined;
  }
}

function logonData(e: EndpointActivity, l: Logon): OrderedDict {
  const network = l.logonType === 3;
  const subject: [string, unknown][] = network
    ? [["SubjectUserSid", "S-1-0-0"], ["SubjectUserName", "-"], ["SubjectDomainName", "-"], ["SubjectLogonId", "0x0"]]
    : [["SubjectUserSid", "S-1-5-18"], ["SubjectUserName", `${e.profile.hostname}$`], ["SubjectDomainName", "CORP"], ["SubjectLogonId", "0x3e7"]];
  const lsass = e.anchor("lsass");
  const proc: [string, unknown][] = network ? [["ProcessId", "0x0"], ["ProcessName", "-"]] : [["ProcessId", hex(lsass.pid)], ["ProcessName", lsass.image]];
  const where: [string, unknown][] = [["WorkstationName", l.workstation], ["TransmittedServices", "-"], ["LmPackageName", l.authPackage === "NTLM" ? "NTLM V2" : "-"], ["KeyLength", l.authPackage === "NTLM" ? 128 : 0], ...proc, ["IpAddress", l.ip], ["IpPort", String(l.port || "-")]];
  if (!l.success) {
    return new OrderedDict([...subject, ["TargetUserSid", "S-1-0-0"], ["TargetUserName", l.user], ["TargetDomainName", l.domain], ["Status", l.status ?? "0xc000006d"], ["FailureReason", "%%2313"], ["SubStatus", "0xc000006a"], ["LogonType", l.logonType], ["LogonProcessName", l.logonProcess], ["AuthenticationPackageName", l.authPackage], ...where]);
  }
  return new OrderedDict([
    ...subject,
    ["TargetUserSid", l.sid],
    ["TargetUserName", l.user],
    ["TargetDomainName", l.domain],
    ["TargetLogonId", l.logonId],
    ["LogonType", l.logonType],
    ["LogonProcessName", l.logonProcess],
    ["AuthenticationPackageName", l.authPackage],
    ["LogonGuid", "{00000000-0000-0000-0000-000000000000}"],
    ...where,
    ["ImpersonationLevel", "%%1833"],
    ["RestrictedAdminMode", "-"],
    ["TargetOutboundUserName", "-"],
    ["TargetOutboundDomainName", "-"],
    ["VirtualAccount", "%%1843"],
    ["TargetLinkedLogonId", "0x0"],
    ["ElevatedToken", l.user.startsWith("adm_") || l.user === "SYSTEM" ? "%%1842" : "%%1843"],
  ]);
}

/** The Security log's event for an activity it records (logons, logoffs, process creation), else undefined. */
export function securityEvent(e: EndpointActivity, a: Activity): { id: number; data: OrderedDict; message: string } | undefined {
  switch (a.kind) {
    case "logon": {
      const l = a.logon;
      const head = l.success ? "An account was successfully logged on." : "An account failed to log on.";
      return { id: l.success ? 4624 : 4625, data: logonData(e, l), message: `${head}\n\nLogon Type:\t${l.logonType}\nAccount Name:\t${l.user}\nAccount Domain:\t${l.domain}\nWorkstation Name:\t${l.workstation}\nSource Network Address:\t${l.ip}` };
    }
    case "logoff":
      return { id: 4634, data: new OrderedDict([["TargetUserSid", a.logon.sid], ["TargetUserName", a.logon.user], ["TargetDomainName", a.logon.domain], ["TargetLogonId", a.logon.logonId], ["LogonType", a.logon.logonType]]), message: `An account was logged off.\n\nAccount Name:\t${a.logon.user}\nLogon Type:\t${a.logon.logonType}` };
    case "process": {
      const p = a.proc;
      const system = p.user.startsWith("NT AUTHORITY\\");
      const [domain, name] = p.user.includes("\\") ? p.user.split("\\") : ["", p.user];
      const data = new OrderedDict([
        ["SubjectUserSid", system ? "S-1-5-18" : "S-1-5-21-1004336348-1177238915-682003330-1001"],
        ["SubjectUserName", system ? `${e.profile.hostname}$` : name],
        ["SubjectDomainName", system ? "CORP" : domain],
        ["SubjectLogonId", p.logonId],
        ["NewProcessId", hex(p.pid)],
        ["NewProcessName", p.image],
        ["TokenElevationType", system ? "%%1936" : "%%1938"],
        ["ProcessId", hex(p.ppid)],
        ["CommandLine", p.commandLine],
        ["TargetUserSid", "S-1-0-0"],
        ["TargetUserName", "-"],
        ["TargetDomainName", "-"],
        ["TargetLogonId", "0x0"],
        ["ParentProcessName", p.parentImage],
        ["MandatoryLabel", system ? "S-1-16-16384" : p.integrity === "High" ? "S-1-16-12288" : "S-1-16-8192"],
      ]);
      return { id: 4688, data, message: `A new process has been created.\n\nNew Process Name:\t${p.image}\nProcess Command Line:\t${p.commandLine}\nCreator Process Name:\t${p.parentImage}` };
    }
    default:
      return undefined;
  }
}

const SECURITY_TASKS: Record<number, number> = { 4624: 12544, 4625: 12544, 4634: 12545, 4688: 13312 };

/** A watch_evtx()/parse_evtx() row: System, EventData, Message. */
export function evtxRow(e: EndpointActivity, a: Activity, channel: "Security" | "Sysmon"): OrderedDict | undefined {
  const ev = channel === "Security" ? securityEvent(e, a) : sysmonEvent(a);
  if (!ev) return undefined;
  const security = channel === "Security";
  const failure = ev.id === 4625;
  const system = new OrderedDict([
    ["Provider", new OrderedDict([["Name", security ? "Microsoft-Windows-Security-Auditing" : "Microsoft-Windows-Sysmon"], ["Guid", security ? SECURITY_GUID : SYSMON_GUID]])],
    ["EventID", new OrderedDict([["Value", ev.id]])],
    ["Version", security ? (ev.id === 4624 || ev.id === 4688 ? 2 : 0) : ev.id === 1 ? 5 : 2],
    ["Level", security ? 0 : 4],
    ["Task", security ? SECURITY_TASKS[ev.id] : ev.id],
    ["Opcode", 0],
    ["Keywords", security ? (failure ? 9227875636482146304 : 9232379236109516800) : 9223372036854775808],
    ["TimeCreated", new OrderedDict([["SystemTime", a.time / 1000]])],
    ["EventRecordID", a.k - e.bootSlot],
    ["Correlation", new OrderedDict()],
    ["Execution", new OrderedDict([["ProcessID", security ? e.anchor("lsass").pid : e.anchor("sysmon").pid], ["ThreadID", 1000 + (a.k % 7000)]])],
    ["Channel", security ? "Security" : "Microsoft-Windows-Sysmon/Operational"],
    ["Computer", e.profile.fqdn],
    ["Security", new OrderedDict(security ? [] : [["UserID", "S-1-5-18"]])],
  ]);
  const message = "message" in ev ? (ev.message as string) : sysmonMessage(ev.id, ev.data);
  return new OrderedDict([["System", system], ["EventData", ev.data], ["Message", message]]);
}

function sysmonMessage(id: number, data: OrderedDict): string {
  const title = id === 1 ? "Process Create:" : id === 3 ? "Network connection detected:" : id === 11 ? "File created:" : "Dns query:";
  return [title, ...[...data.entries()].map(([k, v]) => `${k}: ${String(v)}`)].join("\r\n");
}

/** A watch_etw() row for the Sysmon provider: System (ID, ProcessID, TimeStamp, Provider, OpCode), ProviderGUID, EventData. */
export function sysmonEtwRow(e: EndpointActivity, a: Activity): OrderedDict | undefined {
  const ev = sysmonEvent(a);
  if (!ev) return undefined;
  return etwRow(ev.id, e.anchor("sysmon").pid, a.time, SYSMON_GUID, ev.data);
}

/** A watch_etw() row for Microsoft-Windows-Kernel-Process: ProcessStart (ID 1) only. */
export function kernelProcessEtwRow(e: EndpointActivity, a: Activity): OrderedDict | undefined {
  if (a.kind !== "process") return undefined;
  const p = a.proc;
  const data = new OrderedDict([
    ["ProcessID", p.pid],
    ["CreateTime", utcTime(p.start)],
    ["ParentProcessID", p.ppid],
    ["SessionID", p.session],
    ["Flags", 0],
    ["ImageName", `\\Device\\HarddiskVolume3${p.image.slice(2)}`],
    ["ImageChecksum", 0],
    ["TimeDateStamp", 0],
    ["PackageFullName", ""],
    ["PackageRelativeAppId", ""],
  ]);
  return etwRow(1, p.ppid, a.time, KERNEL_PROCESS_GUID, data);
}

function etwRow(id: number, pid: number, ms: number, provider: string, data: OrderedDict): OrderedDict {
  const system = new OrderedDict([["ID", id], ["ProcessID", pid], ["TimeStamp", Timestamp.fromDate(new Date(ms))], ["Provider", provider], ["OpCode", 0]]);
  return new OrderedDict([["System", system], ["ProviderGUID", provider], ["EventData", data]]);
}

/** A wmi_events() row for `SELECT * FROM Win32_ProcessStartTrace`: Raw (MOF text) and Parse. */
export function processStartTraceRow(a: Activity): OrderedDict | undefined {
  if (a.kind !== "process") return undefined;
  const p = a.proc;
  const sid = p.user.startsWith("NT AUTHORITY\\") ? [1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0] : [1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 220, 75, 221, 59, 131, 53, 41, 70, 130, 221, 166, 40, 233, 3, 0, 0];
  const parse = new OrderedDict([["ParentProcessID", p.ppid], ["ProcessID", p.pid], ["ProcessName", p.name], ["SessionID", p.session], ["Sid", sid], ["TIME_CREATED", winFiletime(p.start)]]);
  const raw = `\ninstance of Win32_ProcessStartTrace\n{\n\tParentProcessID = ${p.ppid};\n\tProcessID = ${p.pid};\n\tProcessName = "${p.name}";\n\tSessionID = ${p.session};\n\tSid = {${sid.join(", ")}};\n\tTIME_CREATED = "${winFiletime(p.start)}";\n};\n`;
  return new OrderedDict([["Raw", raw], ["Parse", parse]]);
}

/** A wmi_events() row for `__InstanceCreationEvent ... TargetInstance ISA 'Win32_Process'`. */
export function instanceCreationRow(e: EndpointActivity, a: Activity): OrderedDict | undefined {
  if (a.kind !== "process") return undefined;
  const p = a.proc;
  const d = new Date(p.start);
  const cim = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000+000`;
  const target = new OrderedDict([
    ["CSName", e.profile.hostname],
    ["Caption", p.name],
    ["CommandLine", p.commandLine],
    ["CreationClassName", "Win32_Process"],
    ["CreationDate", cim],
    ["Description", p.name],
    ["ExecutablePath", p.image],
    ["Handle", String(p.pid)],
    ["Name", p.name],
    ["ParentProcessId", p.ppid],
    ["ProcessId", p.pid],
    ["SessionId", p.session],
    ["WindowsVersion", e.profile.platformVersion],
    ["__Type", "Win32_Process"],
  ]);
  const parse = new OrderedDict([["TIME_CREATED", winFiletime(p.start)], ["TargetInstance", target], ["__Type", "__InstanceCreationEvent"]]);
  return new OrderedDict([["Raw", `instance of __InstanceCreationEvent { TargetInstance = instance of Win32_Process { ProcessId = ${p.pid}; Name = "${p.name}"; }; };`], ["Parse", parse]]);
}
