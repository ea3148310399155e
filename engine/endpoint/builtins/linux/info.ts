// The info() row (Velociraptor's column names) for this Linux host.
import { readFile } from "node:fs/promises";
import { arch, hostname, release, uptime } from "node:os";
import { readdir } from "node:fs/promises";

const CLIENT_START = new Date();

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, "$1");
  }
  return out;
}

export function goArch(nodeArch: string): string {
  return ({ x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm" } as Record<string, string>)[nodeArch] ?? nodeArch;
}

export async function linuxInfo(): Promise<Record<string, unknown>> {
  const osr = parseOsRelease(await readFile("/etc/os-release", "utf8").catch(() => ""));
  const procs = (await readdir("/proc").catch(() => [] as string[])).filter((n) => /^\d+$/.test(n)).length;
  const up = Math.floor(uptime());
  const host = hostname();
  const machineId = (await readFile("/etc/machine-id", "utf8").catch(() => "")).trim();
  const offset = -new Date().getTimezoneOffset() * 60;
  return {
    Hostname: host,
    Uptime: up,
    BootTime: Math.floor(Date.now() / 1000) - up,
    Procs: procs,
    OS: "linux",
    Platform: osr.ID ?? "linux",
    PlatformFamily: (osr.ID_LIKE ?? osr.ID ?? "").split(" ")[0],
    PlatformVersion: osr.VERSION_ID ?? "",
    KernelVersion: release(),
    VirtualizationSystem: "",
    VirtualizationRole: "",
    CompilerVersion: `node ${process.version}`,
    HostID: machineId,
    Exe: process.execPath,
    CWD: process.cwd(),
    IsAdmin: process.getuid?.() === 0,
    ClientStart: CLIENT_START,
    LocalTZ: Intl.DateTimeFormat().resolvedOptions().timeZone,
    LocalTZOffset: offset,
    Fqdn: host,
    Architecture: goArch(arch()),
  };
}
