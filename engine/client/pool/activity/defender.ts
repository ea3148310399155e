// The synthetic Microsoft-Windows-Windows Defender/Operational log of a pooled Windows endpoint,
// as parse_evtx() gives its records: each UTC day a security intelligence update (2000) and a
// quick scan (1000 started, 1001 finished); on the endpoints that see malware (about two in
// five Windows endpoints) a detection on about half of the days: 1116 ("Microsoft Defender
// Antivirus has detected malware...") and two seconds later 1117 (action taken). Records are a
// pure function of the profile and the day, so every query sees the same history up to now.
import { OrderedDict } from "@/engine/vql";
import type { Profile } from "@/engine/client/pool/profiles";
import { interactiveUser } from "./people";
import { mix, unit } from "./slots";

export const DEFENDER_LOG_FILE = "microsoft-windows-windows defender%4operational.evtx";
export const DEFENDER_CHANNEL = "Microsoft-Windows-Windows Defender/Operational";
const DEFENDER_GUID = "{11CD958A-C507-4EF3-B3F2-5FD9DFBD2C78}";
const DAY = 86_400_000;
/** How far back the log goes. */
export const DEFENDER_DAYS = 14;

const THREATS = [
  ["Trojan:Win32/Wacatac.B!ml", 2147735503, "Severe", "Trojan", "C:\\Users\\%u\\Downloads\\invoice_%n.exe"],
  ["HackTool:Win32/Mimikatz.D", 2147687755, "High", "Tool", "C:\\Windows\\Temp\\m%n.exe"],
  ["Behavior:Win32/SuspSchtasks.A", 2147813361, "High", "Suspicious Behavior", "C:\\ProgramData\\msupd.exe"],
  ["Trojan:PowerShell/Downloader.AB", 2147761427, "Severe", "Trojan", "C:\\Users\\%u\\AppData\\Local\\Temp\\p%n.ps1"],
] as const;

/** About two Windows endpoints in five see malware (deterministic per seed and index). */
export function seesMalware(p: Profile): boolean {
  return p.os === "windows" && unit(p.seed, p.index, 0xdef) < 0.4;
}

function record(p: Profile, id: number, ms: number, seq: number, data: [string, unknown][], message: string, level: number): OrderedDict {
  return new OrderedDict([
    [
      "System",
      new OrderedDict([
        ["Provider", new OrderedDict([["Name", "Microsoft-Windows-Windows Defender"], ["Guid", DEFENDER_GUID]])],
        ["EventID", new OrderedDict([["Value", id]])],
        ["Version", 0],
        ["Level", level],
        ["Task", 0],
        ["Opcode", 0],
        ["Keywords", 9223372036854775808],
        ["TimeCreated", new OrderedDict([["SystemTime", ms / 1000]])],
        ["EventRecordID", seq],
        ["Correlation", new OrderedDict()],
        ["Execution", new OrderedDict([["ProcessID", 3144], ["ThreadID", 4000 + (seq % 900)]])],
        ["Channel", DEFENDER_CHANNEL],
        ["Computer", p.fqdn],
        ["Security", new OrderedDict([["UserID", "S-1-5-18"]])],
      ]),
    ],
    ["EventData", new OrderedDict(data)],
    ["Message", message],
  ]);
}

const VERSION = [["Product Name", "Microsoft Defender Antivirus"], ["Product Version", "4.18.24030.9"]] as [string, unknown][];

/** The day's records, in time order (times from the seed and the day). */
function dayRecords(p: Profile, day: number): { ms: number; make: (seq: number) => OrderedDict }[] {
  const at = (salt: number, span = DAY) => day * DAY + Math.floor(unit(p.seed, day, salt) * span);
  const out: { ms: number; make: (seq: number) => OrderedDict }[] = [];
  const sig = `1.411.${300 + (day % 600)}.0`;
  const update = at(0xd001);
  out.push({ ms: update, make: (seq) => record(p, 2000, update, seq, [...VERSION, ["Current security intelligence Version", sig], ["Security intelligence Type", "AntiVirus"]], "Microsoft Defender Antivirus security intelligence version updated.", 4) });
  const scan = at(0xd002);
  const scanId = `{${(mix(p.seed, day, 0xd003) >>> 0).toString(16).padStart(8, "0").toUpperCase()}-0000-4000-8000-000000000000}`;
  out.push({ ms: scan, make: (seq) => record(p, 1000, scan, seq, [...VERSION, ["Scan ID", scanId], ["Scan Type", "Antimalware"], ["Scan Parameters", "Quick Scan"]], "Microsoft Defender Antivirus scan has started.", 4) });
  out.push({ ms: scan + 180_000, make: (seq) => record(p, 1001, scan + 180_000, seq, [...VERSION, ["Scan ID", scanId], ["Scan Parameters", "Quick Scan"], ["Scan Time Hours", 0], ["Scan Time Minutes", 3]], "Microsoft Defender Antivirus scan has finished.", 4) });
  if (seesMalware(p) && unit(p.seed, day, 0xd004) < 0.5) {
    const [name, threatId, severity, category, pathTemplate] = THREATS[mix(p.seed, day, 0xd005) % THREATS.length]!;
    const user = interactiveUser(p);
    const path = pathTemplate.replace("%u", user).replace("%n", String(mix(p.seed, day, 0xd006) % 1000));
    const when = at(0xd007);
    const detectionId = `{${(mix(p.seed, day, 0xd008) >>> 0).toString(16).padStart(8, "0").toUpperCase()}-D7B5-4E2C-9F1A-${String(day).padStart(12, "0")}}`;
    const common: [string, unknown][] = [
      ...VERSION,
      ["Detection ID", detectionId],
      ["Detection Time", new Date(when).toISOString()],
      ["Threat ID", threatId],
      ["Threat Name", name],
      ["Severity ID", severity === "Severe" ? 5 : 4],
      ["Severity Name", severity],
      ["Category Name", category],
      ["FWLink", `https://go.microsoft.com/fwlink/?linkid=37020&name=${name}&threatid=${threatId}`],
      ["Path", `file:_${path}`],
      ["Detection User", `CORP\\${user}`],
      ["Process Name", "C:\\Windows\\explorer.exe"],
      ["Origin Name", "Local machine"],
      ["Type Name", "Concrete"],
    ];
    const message = (what: string) => `Microsoft Defender Antivirus has ${what}.\r\n Name: ${name}\r\n Severity: ${severity}\r\n Category: ${category}\r\n Path: file:_${path}\r\n User: CORP\\${user}`;
    out.push({ ms: when, make: (seq) => record(p, 1116, when, seq, [...common, ["Action Name", "Not Applicable"]], message("detected malware or other potentially unwanted software"), 3) });
    out.push({ ms: when + 2000, make: (seq) => record(p, 1117, when + 2000, seq, [...common, ["Action Name", "Quarantine"]], message("taken action to protect this machine from malware or other potentially unwanted software"), 4) });
  }
  return out.sort((a, b) => a.ms - b.ms);
}

/** The log's records up to `nowMs`, oldest first (the last DEFENDER_DAYS days). */
export function defenderRecords(p: Profile, nowMs: number): OrderedDict[] {
  if (p.os !== "windows") return [];
  const today = Math.floor(nowMs / DAY);
  const out: OrderedDict[] = [];
  for (let day = today - DEFENDER_DAYS + 1; day <= today; day++) {
    // Record numbers: eight per day, so a record keeps its number from day to day.
    dayRecords(p, day).forEach((r, i) => r.ms <= nowMs && out.push(r.make(day * 8 + i + 1)));
  }
  return out;
}
