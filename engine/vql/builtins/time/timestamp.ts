/** timestamp(), timestamp_format(), now(). */
import { Bytes, textOf } from "../../values/bytes";
import { GO_ZERO_UNIX, Timestamp } from "../../values/timestamp";
import { parseDateString } from "../../values/time-parse";
import { arg } from "../arg";
import { defineFunction } from "../define";
import { epochToTimestamp } from "./epoch";
import { formatGoLayout, parseGoLayout } from "./go-layout";
import { scopeZone, zoneAt } from "./zone";

const WIN_EPOCH_OFFSET = 11644473600; // seconds from 1601-01-01 to 1970-01-01
const COCOA_OFFSET = 978307200; // 2001-01-01
const MAC_OFFSET = -2082844800; // 1904-01-01
const ZERO_TIME = new Timestamp(GO_ZERO_UNIX);

/** Any value to a timestamp the way timestamp(epoch=) does; null when it is not a time. */
export function toTimestamp(v: unknown, format?: string): Timestamp | null {
  if (v instanceof Timestamp) return v;
  // Velociraptor's TimeFromAny (vql/functions/time.go): an epoch of 0 and the empty string are
  // Go's zero time (0001-01-01T00:00:00Z, "not the unix epoch"), NULL is not a time.
  if (typeof v === "number") return v === 0 ? ZERO_TIME : Number.isFinite(v) ? epochToTimestamp(v) : null;
  if (typeof v === "boolean") return v ? epochToTimestamp(1) : ZERO_TIME;
  if (typeof v === "string" || v instanceof Bytes) {
    const raw = textOf(v);
    if (raw === "" && !format) return ZERO_TIME;
    const s = raw.trim();
    if (format) return parseGoLayout(s, format);
    if (s !== "" && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return toTimestamp(Number(s));
    return parseDateString(s);
  }
  if (v instanceof Date) return Timestamp.fromDate(v);
  return null;
}

export const timestampFunction = defineFunction({
  name: "timestamp",
  category: "time",
  doc: "A UTC timestamp from epoch seconds/ms/µs/ns (auto-detected), a date string, or Windows/Cocoa/Mac times; NULL when invalid.",
  args: {
    epoch: arg.any().doc("Epoch number (seconds, ms, µs or ns), numeric string, date string or timestamp."),
    string: arg.string().doc("A date string (parsed with `format` when given)."),
    format: arg.string().doc("A Go layout for parsing `string`/`epoch` text (e.g. `2006-01-02`)."),
    winfiletime: arg.int().doc("Windows FILETIME (100 ns intervals since 1601)."),
    cocoatime: arg.float().doc("Seconds since 2001-01-01 (Apple Cocoa)."),
    mactime: arg.float().doc("Seconds since 1904-01-01 (HFS+)."),
  },
  run({ epoch, string, format, winfiletime, cocoatime, mactime }) {
    // Velociraptor applies cocoatime, mactime and winfiletime only when they are positive, and
    // `string` only when it is not empty.
    if (cocoatime !== undefined && cocoatime > 0) return new Timestamp(cocoatime + COCOA_OFFSET);
    if (mactime !== undefined && mactime > 0) return new Timestamp(mactime + MAC_OFFSET);
    if (winfiletime !== undefined && winfiletime > 0) return new Timestamp(winfiletime / 1e7 - WIN_EPOCH_OFFSET);
    if (string) return toTimestamp(string, format);
    if (epoch === undefined || epoch === null) return null;
    return toTimestamp(epoch, format);
  },
});

export const timestampFormatFunction = defineFunction({
  name: "timestamp_format",
  category: "time",
  impure: true,
  doc: "Format a time with a Go layout or a named layout (RFC3339, DateTime, Kitchen...); default RFC3339. In the zone the PARSE_TZ or TZ variable names (an IANA zone such as `Australia/Brisbane`), else UTC.",
  args: {
    time: arg.any().required().doc("A timestamp (or anything timestamp() accepts)."),
    format: arg.string().default("RFC3339").doc("Go layout or layout name."),
  },
  async run({ time, format }, ctx) {
    const t = toTimestamp(time);
    if (!t) return null;
    // Velociraptor formats in the PARSE_TZ or TZ zone (vql/functions/time.go _TimestampFormat).
    const zone = await scopeZone(ctx);
    return formatGoLayout(t, format || "RFC3339", zone ? (zoneAt(zone, t) ?? undefined) : undefined);
  },
});

export const nowFunction = defineFunction({
  name: "now",
  category: "time",
  impure: true,
  doc: "The current Unix time in seconds (`ns=TRUE`: in nanoseconds).",
  args: { ns: arg.bool().doc("Return the time in nanoseconds.") },
  run({ ns }, ctx) {
    // Velociraptor vql/functions/functions.go _Now: time.Now().UnixNano() when ns is set.
    return ns ? ctx.now() * 1_000_000 : Math.floor(ctx.now() / 1000);
  },
});
