// Synthetic endpoint profiles: a deterministic mix of Windows servers, Windows workstations,
// Linux and macOS hosts with hostnames, users and process tables. Same seed and index, same
// endpoint. Only the small profile is kept per agent; process lists are generated when asked.
import { Rng, seedOf } from "./random";

export type Kind = "windows-server" | "windows-workstation" | "linux" | "macos";

export interface Profile {
  index: number;
  seed: number;
  kind: Kind;
  hostname: string;
  fqdn: string;
  os: "windows" | "linux" | "darwin";
  platform: string;
  platformVersion: string;
  kernelVersion: string;
  architecture: string;
  users: string[];
  ip: string;
  mac: string;
  bootTime: number;
}

export const FIRST = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "nina", "oscar", "peggy", "rupert", "sybil", "trent", "victor", "wendy", "yusuf"];
const DEPTS = ["FIN", "HR", "ENG", "OPS", "SALES", "LEGAL", "IT", "RND"];
const ROLES = ["web", "db", "cache", "api", "build", "log", "mq", "auth"];
const WIN_SERVER = [
  ["Microsoft Windows Server 2022 Datacenter", "10.0.20348"],
  ["Microsoft Windows Server 2019 Standard", "10.0.17763"],
  ["Microsoft Windows Server 2016 Standard", "10.0.14393"],
] as const;
const WIN_DESKTOP = [
  ["Microsoft Windows 11 Enterprise", "10.0.22631"],
  ["Microsoft Windows 10 Enterprise", "10.0.19045"],
  ["Microsoft Windows 11 Pro", "10.0.22621"],
] as const;
const LINUX = [
  ["ubuntu", "22.04", "5.15.0-105-generic"],
  ["ubuntu", "24.04", "6.8.0-31-generic"],
  ["debian", "12", "6.1.0-21-amd64"],
  ["rhel", "9.3", "5.14.0-362.el9.x86_64"],
] as const;
const MAC = [
  ["darwin", "14.4.1", "23.4.0"],
  ["darwin", "13.6.6", "22.6.0"],
] as const;

export function kindFor(r: Rng): Kind {
  const x = r.next();
  return x < 0.2 ? "windows-server" : x < 0.65 ? "windows-workstation" : x < 0.9 ? "linux" : "macos";
}

export function makeProfile(seed: string, index: number): Profile {
  const s = seedOf(`${seed}/${index}`);
  const r = new Rng(s);
  const kind = kindFor(r);
  const users = Array.from({ length: r.int(1, 4) }, () => r.pick(FIRST)).filter((u, i, a) => a.indexOf(u) === i);
  const n = String(index).padStart(5, "0");
  const base = { index, seed: s, kind, users, ip: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`, mac: macFor(s), bootTime: 1_760_000_000 - r.int(0, 30 * 86400) };
  switch (kind) {
    case "windows-server": {
      const [platform, version] = r.pick(WIN_SERVER);
      const hostname = `SRV-${r.pick(DEPTS)}-${n}`;
      return { ...base, hostname, fqdn: `${hostname.toLowerCase()}.corp.example`, os: "windows", platform, platformVersion: version, kernelVersion: version, architecture: "amd64", users: ["Administrator", ...users] };
    }
    case "windows-workstation": {
      const [platform, version] = r.pick(WIN_DESKTOP);
      const hostname = `${r.next() < 0.5 ? "LAPTOP" : "WS"}-${users[0]!.toUpperCase()}-${n}`;
      return { ...base, hostname, fqdn: `${hostname.toLowerCase()}.corp.example`, os: "windows", platform, platformVersion: version, kernelVersion: version, architecture: r.next() < 0.9 ? "amd64" : "arm64" };
    }
    case "linux": {
      const [platform, version, kernel] = r.pick(LINUX);
      const hostname = `${r.pick(ROLES)}-${n}`;
      return { ...base, hostname, fqdn: `${hostname}.prod.example`, os: "linux", platform, platformVersion: version, kernelVersion: kernel, architecture: r.next() < 0.85 ? "amd64" : "arm64", users: ["root", ...users] };
    }
    case "macos": {
      const [platform, version, kernel] = r.pick(MAC);
      const hostname = `${users[0]}-MacBook-Pro-${n}`;
      return { ...base, hostname, fqdn: `${hostname.toLowerCase()}.local`, os: "darwin", platform, platformVersion: version, kernelVersion: kernel, architecture: "arm64" };
    }
  }
}

function macFor(seed: number): string {
  const b = [0x02, (seed >>> 24) & 255, (seed >>> 16) & 255, (seed >>> 8) & 255, seed & 255, (seed * 31) & 255];
  return b.map((x) => x.toString(16).padStart(2, "0")).join(":");
}
