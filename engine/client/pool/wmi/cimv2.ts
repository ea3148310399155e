// The ROOT/CIMV2 classes a pooled Windows endpoint answers in wmi(), from its profile, hardware
// (hardware.ts) and process table: property names and order as Microsoft documents each class
// (a subset of the properties), with WMI's automation types: uint64 values are decimal strings,
// datetimes CIM_DATETIME strings, other integers numbers, and absent values null.
import type { ProcessInfo } from "@/engine/endpoint/builtins/system";
import type { Profile } from "@/engine/client/pool/profiles";
import { cimDatetime, type Hardware } from "./hardware";

export interface WmiHost {
  p: Profile;
  hw: Hardware;
  processes: ProcessInfo[];
  /** Seconds since the epoch. */
  now: number;
}

export type WmiObject = Array<[string, unknown]>;

const KIB = 1024;
const u64 = (n: number) => String(Math.floor(n));
const upper = (p: Profile) => p.hostname.toUpperCase();
const domain = (p: Profile) => p.fqdn.slice(p.fqdn.indexOf(".") + 1);
const build = (p: Profile) => p.platformVersion.split(".")[2] ?? "";
const sku = (p: Profile) => (/Datacenter/.test(p.platform) ? 8 : /Server/.test(p.platform) ? 7 : /Pro\b/.test(p.platform) ? 48 : 4);

function operatingSystem({ p, hw, processes, now }: WmiHost): WmiObject[] {
  const visibleKiB = Math.floor((hw.memoryBytes - 256 * 1024 * KIB) / KIB);
  const freeKiB = Math.floor(visibleKiB * 0.41);
  return [
    [
      ["BootDevice", "\\Device\\HarddiskVolume1"],
      ["BuildNumber", build(p)],
      ["BuildType", "Multiprocessor Free"],
      ["Caption", p.platform],
      ["CodeSet", "1252"],
      ["CountryCode", "1"],
      ["CreationClassName", "Win32_OperatingSystem"],
      ["CSCreationClassName", "Win32_ComputerSystem"],
      ["CSName", upper(p)],
      ["CurrentTimeZone", 0],
      ["Description", ""],
      ["Distributed", false],
      ["EncryptionLevel", 256],
      ["FreePhysicalMemory", u64(freeKiB)],
      ["FreeSpaceInPagingFiles", u64(4 * 1024 * KIB)],
      ["FreeVirtualMemory", u64(freeKiB + 4 * 1024 * KIB)],
      ["InstallDate", cimDatetime(hw.installTime)],
      ["LastBootUpTime", cimDatetime(p.bootTime)],
      ["LocalDateTime", cimDatetime(now)],
      ["Locale", "0409"],
      ["Manufacturer", "Microsoft Corporation"],
      ["MaxNumberOfProcesses", 4294967295],
      ["MaxProcessMemorySize", "137438953344"],
      ["Name", `${p.platform}|C:\\Windows|\\Device\\Harddisk0\\Partition3`],
      ["NumberOfProcesses", processes.length],
      ["NumberOfUsers", p.users.length],
      ["OperatingSystemSKU", sku(p)],
      ["Organization", ""],
      ["OSArchitecture", p.architecture === "arm64" ? "ARM 64-bit Processor" : "64-bit"],
      ["OSLanguage", 1033],
      ["OSType", 18],
      ["Primary", true],
      ["ProductType", p.kind === "windows-server" ? 3 : 1],
      ["RegisteredUser", p.kind === "windows-server" ? "Windows User" : p.users[0]!],
      ["SerialNumber", hw.productId],
      ["ServicePackMajorVersion", 0],
      ["ServicePackMinorVersion", 0],
      ["SizeStoredInPagingFiles", u64(4 * 1024 * KIB)],
      ["Status", "OK"],
      ["SystemDevice", "\\Device\\HarddiskVolume3"],
      ["SystemDirectory", "C:\\Windows\\system32"],
      ["SystemDrive", "C:"],
      ["TotalVirtualMemorySize", u64(visibleKiB + 4 * 1024 * KIB)],
      ["TotalVisibleMemorySize", u64(visibleKiB)],
      ["Version", p.platformVersion],
      ["WindowsDirectory", "C:\\Windows"],
    ],
  ];
}

function computerSystem({ p, hw }: WmiHost): WmiObject[] {
  const server = p.kind === "windows-server";
  return [
    [
      ["AdminPasswordStatus", 3],
      ["BootupState", "Normal boot"],
      ["Caption", upper(p)],
      ["ChassisBootupState", 3],
      ["CurrentTimeZone", 0],
      ["DaylightInEffect", false],
      ["Description", "AT/AT COMPATIBLE"],
      ["DNSHostName", p.hostname],
      ["Domain", domain(p)],
      // 1 Member Workstation, 3 Member Server: pooled endpoints are joined to the CORP domain.
      ["DomainRole", server ? 3 : 1],
      ["HypervisorPresent", server && hw.manufacturer !== "Dell Inc."],
      ["Manufacturer", hw.manufacturer],
      ["Model", hw.model],
      ["Name", upper(p)],
      ["NumberOfLogicalProcessors", hw.logicalProcessors],
      ["NumberOfProcessors", hw.processors],
      ["PartOfDomain", true],
      ["PCSystemType", server ? 4 : 2],
      ["PrimaryOwnerName", server ? "Windows User" : p.users[0]!],
      ["Status", "OK"],
      ["SystemFamily", server ? "Server" : "Notebook"],
      ["SystemType", p.architecture === "arm64" ? "ARM64-based PC" : "x64-based PC"],
      ["TotalPhysicalMemory", u64(hw.memoryBytes - 256 * 1024 * KIB)],
      ["UserName", server ? null : `CORP\\${p.users[0]}`],
      ["Workgroup", null],
    ],
  ];
}

function logicalDisk({ p, hw }: WmiHost): WmiObject[] {
  return hw.volumes.map((v) => [
    ["Caption", v.letter],
    ["Compressed", false],
    ["CreationClassName", "Win32_LogicalDisk"],
    ["Description", "Local Fixed Disk"],
    ["DeviceID", v.letter],
    ["DriveType", 3],
    ["FileSystem", "NTFS"],
    ["FreeSpace", u64(v.free)],
    ["MaximumComponentLength", 255],
    ["MediaType", 12],
    ["Name", v.letter],
    ["Size", u64(v.size)],
    ["SupportsDiskQuotas", false],
    ["SystemCreationClassName", "Win32_ComputerSystem"],
    ["SystemName", upper(p)],
    ["VolumeDirty", false],
    ["VolumeName", v.label],
    ["VolumeSerialNumber", v.serial],
  ]);
}

function diskDrive({ hw }: WmiHost): WmiObject[] {
  return [
    [
      ["BytesPerSector", 512],
      ["Caption", hw.diskModel],
      ["Description", "Disk drive"],
      ["DeviceID", "\\\\.\\PHYSICALDRIVE0"],
      ["Index", 0],
      ["InterfaceType", "SCSI"],
      ["Manufacturer", "(Standard disk drives)"],
      ["MediaType", "Fixed hard disk media"],
      ["Model", hw.diskModel],
      ["Name", "\\\\.\\PHYSICALDRIVE0"],
      ["Partitions", hw.volumes.length + 2],
      ["SerialNumber", hw.diskSerial],
      ["Size", u64(hw.diskSize)],
      ["Status", "OK"],
    ],
  ];
}

function bios({ hw }: WmiHost): WmiObject[] {
  return [
    [
      ["BIOSVersion", [`${hw.biosVendor.split(/[ ,]/)[0]!.toUpperCase()} - 1`, hw.biosVersion]],
      ["Caption", hw.biosVersion],
      ["Description", hw.biosVersion],
      ["Manufacturer", hw.biosVendor],
      ["Name", hw.biosVersion],
      ["PrimaryBIOS", true],
      ["ReleaseDate", cimDatetime(Math.floor(hw.biosDate / 86400) * 86400)],
      ["SerialNumber", hw.serialNumber],
      ["SMBIOSBIOSVersion", hw.biosVersion],
      ["SMBIOSMajorVersion", 3],
      ["SMBIOSMinorVersion", 4],
      ["SMBIOSPresent", true],
      ["Status", "OK"],
      ["Version", `${hw.biosVendor.split(/[ ,]/)[0]!.toUpperCase()} - 1`],
    ],
  ];
}

/** The fe80:: address a MAC gives (modified EUI-64: the universal/local bit flipped, ff:fe inserted). */
export function linkLocal(mac: string): string {
  const b = mac.split(":").map((x) => parseInt(x, 16));
  const eui = [b[0]! ^ 2, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!];
  const groups = [0, 2, 4, 6].map((i) => ((eui[i]! << 8) | eui[i + 1]!).toString(16));
  return `fe80::${groups.join(":")}`;
}

function networkAdapterConfiguration({ p }: WmiHost): WmiObject[] {
  const [a, b] = p.ip.split(".");
  const mac = p.mac.toUpperCase();
  const adapter = (index: number, description: string, ip: boolean): WmiObject => [
    ["Caption", `[${String(index).padStart(8, "0")}] ${description}`],
    ["DefaultIPGateway", ip ? [`${a}.${b}.0.1`] : null],
    ["Description", description],
    ["DHCPEnabled", ip],
    ["DHCPServer", ip ? `${a}.${b}.0.2` : null],
    ["DNSDomain", ip ? domain(p) : null],
    ["DNSHostName", ip ? p.hostname : null],
    ["DNSServerSearchOrder", ip ? ["10.0.0.10", "10.0.0.11"] : null],
    ["Index", index],
    // The Ethernet adapter is interface 1, as interfaces() gives it.
    ["InterfaceIndex", ip ? 1 : 7],
        ["IPAddress", ip ? [p.ip, linkLocal(p.mac)] : null],
    ["IPEnabled", ip],
    ["IPSubnet", ip ? ["255.255.0.0", "64"] : null],
    ["MACAddress", ip ? mac : null],
    ["ServiceName", ip ? "e1dexpress" : "RasSstp"],
    ["SettingID", `{${(p.seed >>> 0).toString(16).toUpperCase().padStart(8, "0")}-${index.toString(16).padStart(4, "0").toUpperCase()}-4E5B-9C1A-0050569A${String(index).padStart(4, "0")}}`],
  ];
  return [adapter(0, "WAN Miniport (SSTP)", false), adapter(1, "Intel(R) Ethernet Connection (17) I219-LM", true)];
}

function share({ p }: WmiHost): WmiObject[] {
  const row = (name: string, path: string, caption: string, type: number): WmiObject => [
    ["AccessMask", null],
    ["AllowMaximum", true],
    ["Caption", caption],
    ["Description", caption],
    ["InstallDate", null],
    ["MaximumAllowed", null],
    ["Name", name],
    ["Path", path],
    ["Status", "OK"],
    ["Type", type],
  ];
  const rows = [row("ADMIN$", "C:\\Windows", "Remote Admin", 2147483648), row("C$", "C:\\", "Default share", 2147483648), row("IPC$", "", "Remote IPC", 2147483651)];
  if (p.kind === "windows-server") rows.push(row("D$", "D:\\", "Default share", 2147483648), row("Data", "D:\\Shares\\Data", "", 0));
  return rows;
}

function quickFixEngineering({ p, hw }: WmiHost): WmiObject[] {
  return hw.hotfixes.map((h) => {
    const d = new Date(h.installedOn * 1000);
    return [
      ["Caption", `http://support.microsoft.com/?kbid=${h.id.slice(2)}`],
      ["CSName", upper(p)],
      ["Description", h.description],
      ["FixComments", ""],
      ["HotFixID", h.id],
      ["InstallDate", null],
      ["InstalledBy", "NT AUTHORITY\\SYSTEM"],
      // A string in WMI (M/D/YYYY), not a datetime.
      ["InstalledOn", `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`],
      ["Name", null],
      ["ServicePackInEffect", ""],
      ["Status", null],
    ];
  });
}

function process({ p, processes }: WmiHost): WmiObject[] {
  return processes.map((x) => [
    ["Caption", x.Name],
    ["CommandLine", x.CommandLine || null],
    ["CreationDate", x.CreateTime ? cimDatetime(x.CreateTime.getTime() / 1000) : null],
    ["CSName", upper(p)],
    ["Description", x.Name],
    ["ExecutablePath", x.Exe || null],
    ["Handle", String(x.Pid)],
    ["HandleCount", 100 + (x.Pid % 900)],
    ["Name", x.Name],
    ["OSName", `${p.platform}|C:\\Windows|\\Device\\Harddisk0\\Partition3`],
    ["ParentProcessId", x.Ppid],
    ["Priority", 8],
    ["ProcessId", x.Pid],
    ["SessionId", /^CORP\\/.test(x.Username ?? "") ? 1 : 0],
    ["ThreadCount", x.Threads ?? 1],
    ["VirtualSize", u64(x.VMS ?? 0)],
    ["WorkingSetSize", u64(x.RSS ?? 0)],
  ]);
}

export const CIMV2: Record<string, (h: WmiHost) => WmiObject[]> = {
  Win32_OperatingSystem: operatingSystem,
  Win32_ComputerSystem: computerSystem,
  Win32_LogicalDisk: logicalDisk,
  Win32_DiskDrive: diskDrive,
  Win32_BIOS: bios,
  Win32_NetworkAdapterConfiguration: networkAdapterConfiguration,
  Win32_Share: share,
  Win32_QuickFixEngineering: quickFixEngineering,
  Win32_Process: process,
};
