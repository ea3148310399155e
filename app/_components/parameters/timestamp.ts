// Times for the timestamp field: a wall-clock time in a chosen time zone to the RFC3339 instant
// the engine receives, and back, with the browser's Intl zone data (no library).

/** Minutes east of UTC that `zone` is at the instant `utcMs`. */
export function zoneOffsetMinutes(utcMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** `2024-03-01T10:00[:ss]` in `zone` as RFC3339 UTC (`2024-03-01T09:00:00Z`); "" when not a time. */
export function wallToRfc3339(wall: string, zone: string): string {
  const m = WALL.exec(wall);
  if (!m) return "";
  const naive = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  // Two passes find the offset in force at the instant itself (around DST changes).
  let utc = naive - zoneOffsetMinutes(naive, zone) * 60_000;
  utc = naive - zoneOffsetMinutes(utc, zone) * 60_000;
  return new Date(utc).toISOString().replace(/\.000Z$/, "Z");
}

/** The wall-clock time (`YYYY-MM-DDTHH:mm:ss`) of instant `utcMs` in `zone`. */
export function instantToWall(utcMs: number, zone: string): string {
  const local = new Date(utcMs + zoneOffsetMinutes(utcMs, zone) * 60_000);
  return local.toISOString().slice(0, 19);
}

/** Zones offered: UTC, the browser's own, then every zone the browser knows. */
export function timeZones(): string[] {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set(["UTC", own, ...all])];
}
