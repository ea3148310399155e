/** humanize(): byte sizes, relative times and digit grouping as go-humanize prints them. */
import { formatFixed } from "../../values/go-number";
import type { Timestamp } from "../../values/timestamp";
import { arg } from "../arg";
import { defineFunction } from "../define";

const SI = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
const IEC = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

export function humanBytes(n: number, base: number, sizes: string[]): string {
  if (n < 10) return `${n} B`;
  const e = Math.floor(Math.log(n) / Math.log(base));
  const val = Math.floor((n / base ** e) * 10 + 0.5) / 10;
  return `${formatFixed(val, val < 10 ? 1 : 0)} ${sizes[e]}`;
}

export function comma(n: number): string {
  const neg = n < 0;
  const s = String(Math.trunc(Math.abs(n)));
  return (neg ? "-" : "") + s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

const UNITS: [number, string, string][] = [
  [1, "second", "seconds"],
  [60, "minute", "minutes"],
  [3600, "hour", "hours"],
  [86400, "day", "days"],
  [86400 * 7, "week", "weeks"],
  [86400 * 30, "month", "months"],
  [86400 * 365, "year", "years"],
];

export function relativeTime(t: number, now: number): string {
  let d = now - t;
  const suffix = d >= 0 ? "ago" : "from now";
  d = Math.abs(d);
  if (d < 1) return "now";
  if (d < 2) return `1 second ${suffix}`;
  let unit = UNITS[0]!;
  for (const u of UNITS) if (d >= u[0]) unit = u;
  const count = Math.floor(d / unit[0]);
  return count === 1 ? `1 ${unit[1]} ${suffix}` : `${count} ${unit[2]} ${suffix}`;
}

export const humanizeFunction = defineFunction({
  name: "humanize",
  category: "basic",
  doc: "Human-readable text: `bytes` (SI: 1.0 kB), `ibytes` (IEC: 1.0 KiB), `time` (3 hours ago) or `comma` (1,234,567).",
  args: {
    bytes: arg.int().doc("A size in bytes, SI units."),
    ibytes: arg.int().doc("A size in bytes, IEC units."),
    time: arg.time().doc("A time, rendered relative to now."),
    comma: arg.int().doc("An integer with thousands separators."),
  },
  argErrorValue: false,
  run({ bytes, ibytes, time, comma: c }, ctx) {
    if (bytes !== undefined) return humanBytes(bytes, 1000, SI);
    if (ibytes !== undefined) return humanBytes(ibytes, 1024, IEC);
    if (time !== undefined) return relativeTime((time as Timestamp).epochSeconds, ctx.now() / 1000);
    if (c !== undefined) return comma(c);
    return "";
  },
});
