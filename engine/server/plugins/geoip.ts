// geoip(ip, db): Velociraptor's MaxMind lookup (vql/tools/geoip.go) on the server. The database
// is read through the server host's guarded file system (FILESYSTEM_READ; the data directory and
// the host's secrets stay refused), parsed with mmdb-lib and kept for the rest of the run, a
// failure too (logged once; later calls are NULL, as Velociraptor caches it). The answer is the
// record as a dict (country, city, location, subdivisions... or isp, organization, ASN for an
// ISP database), NULL for an address the database has no record of.
import { isIP } from "node:net";
import { Reader } from "mmdb-lib";
import { abortable, arg, defineFunction, fromBytes, OrderedDict, untilAborted, type BuiltinContext } from "../../vql";
import type { EndpointSystem } from "@/engine/endpoint/builtins/system";
import type { ServerVqlHost } from "./host";

/** Databases larger than this are refused (GeoIP2 City is about 100 MiB). */
const MAX_DB_BYTES = 1024 * 1024 * 1024;
const READERS = Symbol("geoip databases");

type Loaded = Reader<Record<string, unknown>> | Error;

async function load(system: EndpointSystem, path: string, signal: AbortSignal): Promise<Loaded> {
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const c of abortable(system.fs.read(path, { length: MAX_DB_BYTES + 1, signal }), signal)) {
      total += c.length;
      if (total > MAX_DB_BYTES) return new Error(`${path} is larger than ${MAX_DB_BYTES} bytes`);
      chunks.push(c);
    }
    return new Reader<Record<string, unknown>>(Buffer.concat(chunks));
  } catch (err) {
    signal.throwIfAborted();
    return err as Error;
  }
}

/** A decoded record as VQL values: maps as dicts, uint64/uint128 as numbers when exact (else text), bytes as byte strings. */
function toVql(v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Buffer.isBuffer(v)) return fromBytes(v);
  if (Array.isArray(v)) return v.map(toVql);
  if (v && typeof v === "object") return new OrderedDict(Object.entries(v).map(([k, x]) => [k, toVql(x)] as [string, unknown]));
  return v;
}

export const geoipFunction = defineFunction({
  name: "geoip",
  category: "server",
  doc: "Looks an IP address up in a MaxMind database (GeoIP2/GeoLite2 City, Country, ISP, ASN... `.mmdb` files) and returns its record as a dict, e.g. `geoip(db=DB, ip=IP).country.names.en`, `.city.names.en`, `.location.latitude`, or `.isp` and `.autonomous_system_number` for an ISP database; NULL when the database has no record for it. The database is read from the server's file system once per query.",
  args: {
    ip: arg.string().required().doc("The IP address to look up (IPv4 or IPv6)."),
    db: arg.string().required().doc("Path of the MaxMind database on the server."),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["server"],
  async run({ ip, db }, ctx: BuiltinContext) {
    const system = (ctx.host as Partial<ServerVqlHost> | undefined)?.system;
    if (!system) {
      ctx.log("ERROR", "geoip: this query has no access to the server's file system");
      return null;
    }
    const cache = ctx.runShared(READERS, () => new Map<string, Promise<Loaded>>());
    let pending = cache.get(db);
    const first = !pending;
    if (!pending) {
      pending = load(system, db, ctx.signal);
      cache.set(db, pending);
    }
    const reader = await untilAborted(pending, ctx.signal);
    if (reader instanceof Error) {
      if (first) ctx.log("ERROR", `geoip: ${reader.message}`);
      return null;
    }
    if (!isIP(ip)) {
      ctx.log("ERROR", `geoip: invalid IP ${ip.slice(0, 64)}`);
      return null;
    }
    try {
      const record = reader.get(ip);
      return record === null ? null : toVql(record);
    } catch (err) {
      ctx.log("ERROR", `geoip: ${(err as Error).message}`);
      return null;
    }
  },
});
