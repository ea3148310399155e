// Win32_Service on a pooled Windows endpoint: the usual Windows services, plus those whose
// process the endpoint's table has (Sysmon64, and on servers IIS, SQL Server, DNS). A running
// service's ProcessId is its process's pid (svchost.exe-hosted services share the svchost
// processes in turn); a stopped one's is 0. Properties as Microsoft documents Win32_Service.
import type { WmiHost, WmiObject } from "./cimv2";

type Svc = [name: string, display: string, path: string, own: boolean, start: "Auto" | "Manual" | "Disabled", running: boolean, account: string, image: string, description: string];

const SVCHOST = "C:\\Windows\\system32\\svchost.exe";
const LOCAL = "NT AUTHORITY\\LocalService";
const NETWORK = "NT AUTHORITY\\NetworkService";

const COMMON: Svc[] = [
  ["Dhcp", "DHCP Client", `${SVCHOST} -k LocalServiceNetworkRestricted -p`, false, "Auto", true, LOCAL, "svchost.exe", "Registers and updates IP addresses and DNS records for this computer."],
  ["Dnscache", "DNS Client", `${SVCHOST} -k NetworkService -p`, false, "Auto", true, NETWORK, "svchost.exe", "The DNS Client service (dnscache) caches Domain Name System (DNS) names and registers the full computer name for this computer."],
  ["EventLog", "Windows Event Log", `${SVCHOST} -k LocalServiceNetworkRestricted -p`, false, "Auto", true, LOCAL, "svchost.exe", "This service manages events and event logs."],
  ["LanmanServer", "Server", `${SVCHOST} -k netsvcs -p`, false, "Auto", true, "LocalSystem", "svchost.exe", "Supports file, print, and named-pipe sharing over the network for this computer."],
  ["LanmanWorkstation", "Workstation", `${SVCHOST} -k NetworkService -p`, false, "Auto", true, NETWORK, "svchost.exe", "Creates and maintains client network connections to remote servers using the SMB protocol."],
  ["RemoteRegistry", "Remote Registry", `${SVCHOST} -k localService -p`, false, "Disabled", false, LOCAL, "", "Enables remote users to modify registry settings on this computer."],
  ["Schedule", "Task Scheduler", `${SVCHOST} -k netsvcs -p`, false, "Auto", true, "LocalSystem", "svchost.exe", "Enables a user to configure and schedule automated tasks on this computer."],
  ["Spooler", "Print Spooler", "C:\\Windows\\System32\\spoolsv.exe", true, "Auto", true, "LocalSystem", "spoolsv.exe", "This service spools print jobs and handles interaction with the printer."],
  ["W32Time", "Windows Time", `${SVCHOST} -k LocalService`, false, "Manual", true, LOCAL, "svchost.exe", "Maintains date and time synchronization on all clients and servers in the network."],
  ["WinDefend", "Microsoft Defender Antivirus Service", '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MsMpEng.exe"', true, "Auto", true, "LocalSystem", "MsMpEng.exe", "Helps protect users from malware and other potentially unwanted software"],
  ["Winmgmt", "Windows Management Instrumentation", `${SVCHOST} -k netsvcs -p`, false, "Auto", true, "LocalSystem", "svchost.exe", "Provides a common interface and object model to access management information about operating system, devices, applications and services."],
  ["wuauserv", "Windows Update", `${SVCHOST} -k netsvcs -p`, false, "Manual", false, "LocalSystem", "", "Enables the detection, download, and installation of updates for Windows and other programs."],
  ["Sysmon64", "Sysmon64", "C:\\Windows\\Sysmon64.exe", true, "Auto", true, "LocalSystem", "Sysmon64.exe", "System Monitor service"],
];
const SERVER: Svc[] = [
  ["TermService", "Remote Desktop Services", `${SVCHOST} -k NetworkService`, false, "Manual", true, NETWORK, "svchost.exe", "Allows users to connect interactively to a remote computer."],
  ["W3SVC", "World Wide Web Publishing Service", `${SVCHOST} -k iissvcs`, false, "Auto", true, "LocalSystem", "w3wp.exe", "Provides Web connectivity and administration through the Internet Information Services Manager"],
  ["MSSQLSERVER", "SQL Server (MSSQLSERVER)", '"C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe" -sMSSQLSERVER', true, "Auto", true, "NT Service\\MSSQLSERVER", "sqlservr.exe", "Provides storage, processing and controlled access of data, and rapid transaction processing."],
  ["DNS", "DNS Server", "C:\\Windows\\system32\\dns.exe", true, "Auto", true, "LocalSystem", "dns.exe", "Enables DNS clients to resolve DNS names by answering DNS queries and dynamic DNS update requests."],
];

export function services({ p, processes }: WmiHost): WmiObject[] {
  const pids = (image: string) => processes.filter((x) => x.Name.toLowerCase() === image.toLowerCase()).map((x) => x.Pid);
  const svchosts = pids("svchost.exe");
  let nextSvchost = 0;
  const list = [...COMMON, ...(p.kind === "windows-server" ? SERVER : [])];
  const out: WmiObject[] = [];
  for (const [name, display, path, own, start, running, account, image, description] of list) {
    // Server roles without their process on this endpoint are not installed here (IIS hosts its
    // service in svchost.exe; w3wp.exe is its worker, so it decides whether IIS is present).
    if (name !== "TermService" && p.kind === "windows-server" && SERVER.some((s) => s[0] === name) && pids(image).length === 0) continue;
    let pid = 0;
    if (running) pid = image === "svchost.exe" || name === "W3SVC" ? (svchosts.length ? svchosts[nextSvchost++ % svchosts.length]! : 0) : (pids(image)[0] ?? 0);
    out.push([
      ["AcceptPause", false],
      ["AcceptStop", running],
      ["Caption", display],
      ["CheckPoint", 0],
      ["DelayedAutoStart", false],
      ["Description", description],
      ["DesktopInteract", false],
      ["DisplayName", display],
      ["ErrorControl", "Normal"],
      ["ExitCode", running ? 0 : 1077],
      ["Name", name],
      ["PathName", path],
      ["ProcessId", pid],
      ["ServiceSpecificExitCode", 0],
      ["ServiceType", own ? "Own Process" : "Share Process"],
      ["Started", running],
      ["StartMode", start],
      ["StartName", account],
      ["State", running ? "Running" : "Stopped"],
      ["Status", "OK"],
      ["SystemName", p.hostname.toUpperCase()],
      ["WaitHint", 0],
    ]);
  }
  return out;
}
