// A pooled Windows endpoint's synthetic hardware and install facts (memory, processors, maker and
// model, BIOS, disks, install date, serials), derived from its profile's seed so the same
// endpoint always reports the same machine, and the CIM_DATETIME text WMI gives dates as.
import { Rng } from "@/engine/client/pool/random";
import type { Profile } from "@/engine/client/pool/profiles";

export interface Volume {
  letter: string;
  label: string;
  size: number;
  free: number;
  serial: string;
}

export interface Hardware {
  memoryBytes: number;
  processors: number;
  logicalProcessors: number;
  manufacturer: string;
  model: string;
  biosVendor: string;
  biosVersion: string;
  biosDate: number;
  serialNumber: string;
  diskModel: string;
  diskSerial: string;
  diskSize: number;
  volumes: Volume[];
  installTime: number;
  productId: string;
  hotfixes: Array<{ id: string; description: string; installedOn: number }>;
}

const GIB = 1024 ** 3;
type Machine = readonly [manufacturer: string, model: string, biosVendor: string, biosVersion: string];
const MACHINES: readonly Machine[] = [
  ["Dell Inc.", "Latitude 7440", "Dell Inc.", "1.14.1"],
  ["LENOVO", "21HMS0X800", "LENOVO", "R2FET55W (1.35 )"],
  ["HP", "HP EliteBook 840 G10", "HP", "V70 Ver. 01.05.02"],
];
const SERVERS: readonly Machine[] = [
  ["VMware, Inc.", "VMware7,1", "VMware, Inc.", "VMW71.00V.21100432.B64.2301110304"],
  ["Microsoft Corporation", "Virtual Machine", "Microsoft Corporation", "Hyper-V UEFI Release v4.1"],
  ["Dell Inc.", "PowerEdge R650", "Dell Inc.", "1.10.2"],
];

const hex = (r: Rng, n: number) => Array.from({ length: n }, () => r.int(0, 16).toString(16)).join("").toUpperCase();

export function hardwareOf(p: Profile): Hardware {
  const r = new Rng(p.seed ^ 0x0c1a55);
  const server = p.kind === "windows-server";
  const [manufacturer, model, biosVendor, biosVersion] = r.pick(server ? SERVERS : MACHINES);
  const memoryGiB = server ? r.pick([32, 64, 128]) : r.pick([16, 32]);
  const processors = server ? r.pick([1, 2]) : 1;
  const logicalProcessors = processors * (server ? r.pick([8, 16]) : r.pick([8, 12, 16]));
  const diskSize = (server ? r.pick([128, 256]) : r.pick([256, 512])) * GIB;
  const volumes: Volume[] = [{ letter: "C:", label: server ? "" : "Windows", size: diskSize - 650 * 1024 * 1024, free: Math.floor((diskSize * r.int(15, 70)) / 100), serial: hex(r, 8) }];
  if (server) {
    const size = r.pick([500, 1000]) * GIB;
    volumes.push({ letter: "D:", label: "Data", size, free: Math.floor((size * r.int(10, 90)) / 100), serial: hex(r, 8) });
  }
  const installTime = p.bootTime - r.int(60, 700) * 86400;
  const kb = [5034441, 5036893, 5037771, 5039212, 5040442];
  const hotfixes = kb.slice(0, r.int(2, kb.length + 1)).map((n, i) => ({ id: `KB${n}`, description: i === 0 ? "Update" : "Security Update", installedOn: installTime + (i + 1) * 30 * 86400 }));
  return {
    memoryBytes: memoryGiB * GIB,
    processors,
    logicalProcessors,
    manufacturer,
    model,
    biosVendor,
    biosVersion,
    biosDate: installTime - r.int(30, 400) * 86400,
    serialNumber: server && manufacturer !== "Dell Inc." ? `${manufacturer.startsWith("VMware") ? "VMware-" : ""}${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}` : hex(r, 7),
    diskModel: server ? (manufacturer === "Dell Inc." ? "DELLBOSS VD" : `${manufacturer.startsWith("VMware") ? "VMware" : "Microsoft"} Virtual disk SCSI Disk Device`) : "NVMe Samsung SSD 980 PRO",
    diskSerial: `${hex(r, 4)}_${hex(r, 4)}_${hex(r, 4)}_${hex(r, 4)}.`,
    diskSize,
    volumes,
    installTime,
    productId: `00330-${r.int(10000, 99999)}-${r.int(10000, 99999)}-AA${r.int(100, 999)}`,
    hotfixes,
  };
}

/** CIM_DATETIME, as WMI gives datetime properties: yyyymmddHHMMSS.mmmmmm+UUU (UTC here). */
export function cimDatetime(epochSeconds: number): string {
  const d = new Date(Math.round(epochSeconds * 1000));
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds() * 1000, 6)}+000`;
}
