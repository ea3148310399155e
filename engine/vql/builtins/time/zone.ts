/**
 * Time zones for timestamp_format(): the zone named by the PARSE_TZ or TZ scope variable (as
 * Velociraptor's getTimezone in vql/functions/time.go picks it) and a zone's UTC offset and
 * abbreviation at an instant, from the runtime's IANA database (Intl).
 */
import type { BuiltinContext } from "../types";
import type { Timestamp } from "../../values/timestamp";

export interface ZoneAt {
  /** Seconds east of UTC. */
  offsetSec: number;
  /** The zone's abbreviation (`EST`), or the numeric offset (`+10`, `+0530`) when it has none in English. */
  abbrev: string;
}

const formatters = new Map<string, { offset: Intl.DateTimeFormat; short: Intl.DateTimeFormat } | null>();

function formattersFor(zone: string) {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = {
        offset: new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" }),
        short: new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "short" }),
      };
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return f;
}

/** True when the runtime knows the IANA zone name. */
export function isZone(zone: string): boolean {
  return formattersFor(zone) !== null;
}

/** The zone's offset and abbreviation at `t`; null for an unknown zone. */
export function zoneAt(zone: string, t: Timestamp): ZoneAt | null {
  const f = formattersFor(zone);
  if (!f) return null;
  const d = new Date(t.sec * 1000);
  if (Number.isNaN(d.getTime())) return { offsetSec: 0, abbrev: "UTC" };
  const long = f.offset.formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?/.exec(long);
  const offsetSec = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) : 0;
  const short = f.short.formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? "";
  let abbrev = short;
  if (!short || /^GMT|^UTC/.test(short)) {
    if (offsetSec === 0) abbrev = zone === "UTC" || zone === "Etc/UTC" ? "UTC" : "GMT";
    else if (m) abbrev = `${m[1]}${m[2]}${m[3] === "00" ? "" : m[3]}`;
  }
  return { offsetSec, abbrev };
}

/**
 * The zone timestamp_format() formats in: PARSE_TZ, else TZ (a text value naming an IANA zone;
 * `local` in PARSE_TZ is the process's zone); undefined for UTC. An unknown name is logged and
 * UTC is used, as in Velociraptor.
 */
export async function scopeZone(ctx: BuiltinContext): Promise<string | undefined> {
  for (const name of ["PARSE_TZ", "TZ"]) {
    const v = await ctx.lookup(name);
    if (typeof v !== "string") continue;
    const zone = name === "PARSE_TZ" && v.toLowerCase() === "local" ? Intl.DateTimeFormat().resolvedOptions().timeZone : v;
    if (zone === "" || zone === "UTC") return undefined;
    if (!isZone(zone)) {
      ctx.log("WARN", `Unable to load timezone from ${name} ${v}: unknown time zone ${v}, using UTC`);
      return undefined;
    }
    return zone;
  }
  return undefined;
}
