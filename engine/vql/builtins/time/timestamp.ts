/** timestamp(), timestamp_format(), now(). */
import { Bytes, textOf } from "../../values/bytes";
import { Timestamp } from "../../values/timestamp";
import { parseDateString } from "../../values/time-parse";
import { arg } from "../arg";
import { defineFunction } from "../define";
import { epochToTimestamp } from "./epoch";
import { formatGoLayout, parseGoLayout } from "./go-layout";

const WIN_EPOCH_OFFSET = 11644473600; // seconds from 1601-01-01 to 1970-01-01
const COCOA_OFFSET = 978307200; // 2001-01-01
const MAC_OFFSET = -2082844800; // 1904-01-01

/** Any value to a timestamp the way timestamp(epoch=) does; null when it is not a time. */
export function toTimestamp(v: unknown, format?: string): Timestamp | null {
  if (v instanceof Timestamp) return v;
  if (typeof v === "number") return Number.isFinite(v) ? epochToTimestamp(v) : null;
  if (typeof v === "string" || v instanceof Bytes) {
    const s = textOf(v).trim();
    if (format) return parseGoLayout(s, format);
    if (s !== "" && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return epochToTimestamp(Number(s));
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
    if (winfiletime !== undefined) return new Timestamp(winfiletime / 1e7 - WIN_EPOCH_OFFSET);
    if (cocoatime !== undefined) return new Timestamp(cocoatime + COCOA_OFFSET);
    if (mactime !== undefined) return new Timestamp(mactime + MAC_OFFSET);
    if (string !== undefined) return toTimestamp(string, format);
    if (epoch === undefined || epoch === null) return null;
    return toTimestamp(epoch, format);
  },
});

export const timestampFormatFunction = defineFunction({
  name: "timestamp_format",
  category: "time",
  doc: "Format a time with a Go layout or a named layout (RFC3339, DateTime, Kitchen...); default RFC3339.",
  args: {
    time: arg.any().required().doc("A timestamp (or anything timestamp() accepts)."),
    format: arg.string().default("RFC3339").doc("Go layout or layout name."),
  },
  run({ time, format }) {
    const t = toTimestamp(time);
    return t ? formatGoLayout(t, format) : null;
  },
});

export const nowFunction = defineFunction({
  name: "now",
  category: "time",
  impure: true,
  doc: "The current Unix time in seconds.",
  args: {},
  run(_args, ctx) {
    return Math.floor(ctx.now() / 1000);
  },
});
