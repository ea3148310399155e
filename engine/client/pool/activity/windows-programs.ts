// The programs ordinary Windows endpoints start, as synthetic activity draws them: image, PE
// version information (what Sysmon reports as OriginalFileName, Description, Product, Company,
// FileVersion), command lines, who runs them, which well-known process starts them and whether
// they live for seconds or minutes. A catalogue only: no randomness and no rows here.
import { createHash } from "node:crypto";

export type Who = "user" | "system" | "network-service" | "local-service" | "iis";
export type Anchor = "explorer" | "services" | "svchost" | "w3wp" | "wmi";

export interface WinProgram {
  image: string;
  original: string;
  description: string;
  product: string;
  company: string;
  version: string;
  /** One is drawn; `%U` is the user, `%N` a number. */
  args: readonly string[];
  who: Who;
  parent: Anchor;
  long: boolean;
  weight: number;
  on: "workstation" | "server" | "both";
}

const MS = "Microsoft Corporation";
const OS = "Microsoft® Windows® Operating System";
const SYS32 = "C:\\Windows\\System32\\";

const p = (image: string, original: string, description: string, version: string, args: string[], who: Who, parent: Anchor, long: boolean, weight: number, on: WinProgram["on"], product = OS, company = MS): WinProgram => ({
  image,
  original,
  description,
  product,
  company,
  version,
  args,
  who,
  parent,
  long,
  weight,
  on,
});

export const SCHTASKS = p(`${SYS32}schtasks.exe`, "schtasks.exe", "Task Scheduler Configuration Tool", "10.0.19041.1503 (WinBuild.160101.0800)", ["/Query /FO LIST /V", "/Query /TN \"\\Microsoft\\Windows\\UpdateOrchestrator\\Schedule Scan\""], "user", "explorer", false, 2, "both");
export const CMD = p(`${SYS32}cmd.exe`, "Cmd.Exe", "Windows Command Processor", "10.0.19041.4355 (WinBuild.160101.0800)", ["/c \"C:\\ProgramData\\Corp\\logon.cmd\"", "/c dir /b C:\\Users\\%U\\Downloads", "/c ipconfig /all"], "user", "explorer", false, 4, "both");
export const WHOAMI = p(`${SYS32}whoami.exe`, "whoami.exe", "whoami - displays logged on user information", "10.0.19041.1 (WinBuild.160101.0800)", ["/all"], "user", "explorer", false, 0, "both");
export const NET = p(`${SYS32}net.exe`, "net.exe", "Net Command", "10.0.19041.1 (WinBuild.160101.0800)", ["group \"Domain Admins\" /domain"], "user", "explorer", false, 0, "both");

export const WINDOWS_PROGRAMS: readonly WinProgram[] = [
  p("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "chrome.exe", "Google Chrome", "124.0.6367.91", ["--type=renderer --lang=en-US --renderer-client-id=%N --launch-time-ticks=%N", "--type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US"], "user", "explorer", true, 14, "workstation", "Google Chrome", "Google LLC"),
  p("C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", "msedge.exe", "Microsoft Edge", "124.0.2478.67", ["--type=renderer --lang=en-US --js-flags=--ms-user-locale= --renderer-client-id=%N", "--type=gpu-process --gpu-preferences=%N"], "user", "explorer", true, 8, "workstation", "Microsoft Edge"),
  p("C:\\Users\\%U\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe", "OneDrive.exe", "Microsoft OneDrive", "24.076.0414.0001", ["/background"], "user", "explorer", true, 2, "workstation", "Microsoft OneDrive"),
  p(`${SYS32}notepad.exe`, "NOTEPAD.EXE", "Notepad", "10.0.19041.3758 (WinBuild.160101.0800)", ["C:\\Users\\%U\\Documents\\notes.txt", "C:\\Users\\%U\\Desktop\\todo.txt"], "user", "explorer", true, 2, "workstation"),
  p("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "WinWord.exe", "Microsoft Word", "16.0.17531.20140", ["/n \"C:\\Users\\%U\\Documents\\Report Q%N.docx\""], "user", "explorer", true, 2, "workstation", "Microsoft Office"),
  p(`${SYS32}conhost.exe`, "CONHOST.EXE", "Console Window Host", "10.0.19041.3636 (WinBuild.160101.0800)", ["0xffffffff -ForceV1"], "user", "svchost", false, 5, "both"),
  p(`${SYS32}RuntimeBroker.exe`, "RuntimeBroker.exe", "Runtime Broker", "10.0.19041.3636 (WinBuild.160101.0800)", ["-Embedding"], "user", "svchost", true, 4, "workstation"),
  p(`${SYS32}backgroundTaskHost.exe`, "backgroundTaskHost.exe", "Background Task Host", "10.0.19041.3636 (WinBuild.160101.0800)", ["-ServerName:BackgroundTaskHost.WebAccountProvider", "-ServerName:App.AppXmtcan0h2tfbfy7k9kn8hbxb6dmzz1zh0.mca"], "user", "svchost", false, 4, "workstation"),
  p(`${SYS32}taskhostw.exe`, "taskhostw.exe", "Host Process for Windows Tasks", "10.0.19041.3636 (WinBuild.160101.0800)", ["", "KEYROAMING", "Install $(Arg0)"], "user", "svchost", false, 3, "both"),
  p(`${SYS32}SearchProtocolHost.exe`, "SearchProtocolHost.exe", "Microsoft Windows Search Protocol Host", "7.0.19041.3636 (WinBuild.160101.0800)", ["Global\\UsGthrFltPipeMssGthrPipe%N Global\\UsGthrCtrlFltPipeMssGthrPipe%N 1 -2147483646 \"Software\\Microsoft\\Windows Search\" \"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)\""], "system", "svchost", false, 3, "workstation"),
  p(`${SYS32}svchost.exe`, "svchost.exe", "Host Process for Windows Services", "10.0.19041.3636 (WinBuild.160101.0800)", ["-k netsvcs -p -s Schedule", "-k LocalServiceNetworkRestricted -p -s WinHttpAutoProxySvc", "-k wsappx -p -s ClipSVC"], "system", "services", true, 3, "both"),
  p(`${SYS32}wbem\\WmiPrvSE.exe`, "Wmiprvse.exe", "WMI Provider Host", "10.0.19041.3636 (WinBuild.160101.0800)", ["-secured -Embedding", "-Embedding"], "network-service", "svchost", false, 3, "both"),
  p(`${SYS32}dllhost.exe`, "dllhost.exe", "COM Surrogate", "10.0.19041.546 (WinBuild.160101.0800)", ["/Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}", "/Processid:{3EB3C877-1F16-487C-9050-104DBCD66683}"], "user", "svchost", false, 3, "both"),
  p("C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MpCmdRun.exe", "MpCmdRun.exe", "Microsoft Malware Protection Command Line Utility", "4.18.24030.9 (WinBuild.160101.0800)", ["SignatureUpdate -ScheduleJob -RestrictPrivileges -DailyReschedule", "-wdenable"], "system", "svchost", false, 2, "both", "Microsoft® Windows® Operating System"),
  p("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "Windows PowerShell", "10.0.19041.3996 (WinBuild.160101.0800)", ["-NoProfile -ExecutionPolicy Bypass -File C:\\ProgramData\\Corp\\inventory.ps1", "-NoLogo -NonInteractive -Command \"Get-Service | Where-Object Status -eq Stopped\""], "system", "svchost", false, 2, "both"),
  p(`${SYS32}gpupdate.exe`, "gpupdate.exe", "Microsoft® Windows Group Policy Refresh Utility", "10.0.19041.1 (WinBuild.160101.0800)", ["/target:computer /force", ""], "system", "svchost", false, 1, "both"),
  p(`${SYS32}msiexec.exe`, "msiexec.exe", "Windows® installer", "5.0.19041.3636 (WinBuild.160101.0800)", ["/V", "-Embedding 6F0B4D3A2C1E8F7B9A5D4C3B2A1F0E9D C"], "system", "services", false, 1, "both"),
  SCHTASKS,
  CMD,
  p("C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe", "csc.exe", "Visual C# Command Line Compiler", "4.8.9037.0 built by: NET481REL1", ["/noconfig /fullpaths @\"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root\\%N\\%N.cmdline\""], "iis", "w3wp", false, 3, "server", "Microsoft® .NET Framework"),
  p(`${SYS32}inetsrv\\w3wp.exe`, "w3wp.exe", "IIS Worker Process", "10.0.20348.1 (WinBuild.160101.0800)", ["-ap \"DefaultAppPool\" -v \"v4.0\" -l \"webengine4.dll\" -a \\\\.\\pipe\\iisipm%N -h \"C:\\inetpub\\temp\\apppools\\DefaultAppPool\\DefaultAppPool.config\" -w \"\" -m 0"], "iis", "svchost", true, 2, "server", "Internet Information Services"),
  p(`${SYS32}wsmprovhost.exe`, "wsmprovhost.exe", "Host process for WinRM plug-ins", "10.0.20348.1 (WinBuild.160101.0800)", ["-Embedding"], "network-service", "svchost", false, 2, "server"),
  p("C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.20348.2340_none_7b1a6e3c2f0d8e5a\\TiWorker.exe", "TiWorker.exe", "Windows Modules Installer Worker", "10.0.20348.2340 (WinBuild.160101.0800)", ["-Embedding"], "system", "svchost", false, 2, "server"),
];

export interface PeHashes {
  text: string;
  sha256: string;
}

const hashes = new Map<string, PeHashes>();

/** Sysmon's `Hashes` text for a program's file: stable per original name and version. */
export function hashesOf(prog: Pick<WinProgram, "original" | "version">): PeHashes {
  const key = `${prog.original}/${prog.version}`;
  let h = hashes.get(key);
  if (!h) {
    const of = (alg: string, what = "file") => createHash(alg).update(`talon-pool/${what}/${key}`).digest("hex").toUpperCase();
    const sha256 = of("sha256");
    h = { sha256, text: `SHA1=${of("sha1")},MD5=${of("md5")},SHA256=${sha256},IMPHASH=${of("md5", "imports")}` };
    hashes.set(key, h);
  }
  return h;
}
