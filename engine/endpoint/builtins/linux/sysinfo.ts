// sysinfo() on Linux: the sections of the zcalusic/sysinfo report Velociraptor's Linux
// sysinfo() returns (node, os, kernel, product, board, chassis, bios, cpu, memory), read from
// /etc/os-release, /proc and /sys/class/dmi/id. Fields a non-root agent cannot read are "".
import { readFile } from "node:fs/promises";
import { arch, hostname, release, version } from "node:os";

const text = (p: string) => readFile(p, "utf8").then((s) => s.trim(), () => "");

/** KEY=value lines of os-release(5), quotes removed. */
export function parseOsRelease(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of s.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, "$2");
  }
  return out;
}

export async function linuxSysinfo(): Promise<Record<string, unknown>> {
  const dmi = (f: string) => text(`/sys/class/dmi/id/${f}`);
  const osr = parseOsRelease((await text("/etc/os-release")) || (await text("/usr/lib/os-release")));
  const cpuinfo = await text("/proc/cpuinfo");
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, "m").exec(cpuinfo)?.[1] ?? "";
  const threads = (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
  const cores = new Set([...cpuinfo.matchAll(/^physical id\s*:\s*(\d+)[\s\S]*?^core id\s*:\s*(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`)).size || threads;
  const cpus = new Set([...cpuinfo.matchAll(/^physical id\s*:\s*(\d+)/gm)].map((m) => m[1])).size || 1;
  const memKb = Number(/^MemTotal:\s*(\d+)/m.exec(await text("/proc/meminfo"))?.[1] ?? 0);
  const tz = (await text("/etc/timezone")) || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [chassisType, sysVendor] = await Promise.all([dmi("chassis_type"), dmi("sys_vendor")]);
  return {
    node: { hostname: hostname(), machineid: await text("/etc/machine-id"), timezone: tz },
    os: { name: osr.PRETTY_NAME ?? "", vendor: osr.ID ?? "", version: osr.VERSION_ID ?? "", release: osr.VERSION ?? "", architecture: arch() },
    kernel: { release: release(), version: version(), architecture: arch() },
    product: { name: await dmi("product_name"), vendor: sysVendor, version: await dmi("product_version"), serial: await dmi("product_serial"), uuid: await dmi("product_uuid") },
    board: { name: await dmi("board_name"), vendor: await dmi("board_vendor"), version: await dmi("board_version"), serial: await dmi("board_serial"), assettag: await dmi("board_asset_tag") },
    chassis: { type: Number(chassisType) || 0, vendor: await dmi("chassis_vendor"), version: await dmi("chassis_version"), serial: await dmi("chassis_serial"), assettag: await dmi("chassis_asset_tag") },
    bios: { vendor: await dmi("bios_vendor"), version: await dmi("bios_version"), date: await dmi("bios_date") },
    cpu: { vendor: field("vendor_id"), model: field("model name"), cpus, cores, threads },
    // MiB, as zcalusic/sysinfo reports memory size.
    memory: { size: Math.round(memKb / 1024) },
  };
}
