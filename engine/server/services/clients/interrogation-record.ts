// Turning a Generic.Client.Info row into the client record's columns. Column names follow
// Velociraptor's info() and Generic.Client.Info/BasicInformation (Hostname, Fqdn, OS, ...).
import { queries } from "@/drizzle";
import type { Db } from "@/drizzle";
import type { ServiceDeps } from "@/engine/server/contracts";

function text(v: unknown): string {
  return v === null || v === undefined ? "" : String(v);
}

function list(v: unknown): string[] {
  // A list of strings, or of one-column rows from a subquery ({HardwareAddr: ...}).
  if (Array.isArray(v)) return v.map((x) => (x && typeof x === "object" ? text(Object.values(x as Record<string, unknown>)[0]) : text(x))).filter(Boolean);
  if (typeof v === "string" && v) return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

export function startInterrogationRecord(deps: ServiceDeps) {
  return async function recordInterrogations(items: Array<{ clientId: string; flowId: string; info: Record<string, unknown> }>, opts: { tx?: Db } = {}) {
    await queries.recordClientInterrogations(
      opts.tx ?? deps.database.db,
      items.map(({ clientId, flowId, info }) => ({
        clientId,
        flowId,
        hostname: text(info.Hostname ?? info.hostname),
        fqdn: text(info.Fqdn ?? info.fqdn ?? info.Hostname),
        os: text(info.OS ?? info.os).toLowerCase(),
        platform: text(info.Platform ?? info.platform),
        release: text(info.PlatformVersion ?? info.Release ?? info.release),
        architecture: text(info.Architecture ?? info.architecture),
        ipAddresses: list(info.IPAddresses ?? info.IpAddresses),
        macAddresses: list(info.MACAddresses ?? info.MacAddresses).map((m) => m.toLowerCase()),
        info,
      })),
      deps.clock.now(),
    );
  };
}
