// How a result value reads for people, decided from the value, its column's name and the
// column's declared type (an artifact's column_types, Velociraptor's renderer names): epoch
// numbers in time columns become dates (seconds, milliseconds, microseconds or nanoseconds by
// magnitude, as clients() and flows() mix them), RFC 3339 text becomes a date, and
// Velociraptor ids (C., F., H., N., NC., A.) keep their distinguishing tail. Pure: unit-tested.
import { isTimestamp } from "./time-zone";

/** Column types this table renders specially (the rest render as plain values). */
export type ColumnKind = "timestamp" | "nano_timestamp";

/**
 * Column names that hold times in Velociraptor's and Talon's rows: `*_time` (create_time,
 * start_time), `*_at` (last_seen_at, first_seen_at), `*Time` (CreateTime, StartTime),
 * `Timestamp`, `_ts`, `Time`, `timestamp`, `*_timestamp`.
 */
const TIME_NAME = /(^|_)(time|ts|timestamp)$|_at$|[a-z]Time$|^Time$|Timestamp$/;

export function isTimeColumn(name: string): boolean {
  return TIME_NAME.test(name);
}

/** The declared kind of a column from column_types (`timestamp`, `nano_timestamp`, `date`). */
export function declaredKind(type: string | undefined): ColumnKind | undefined {
  if (!type) return undefined;
  const t = type.toLowerCase();
  if (t === "timestamp" || t === "date") return "timestamp";
  if (t === "nano_timestamp" || t === "nanosecond" || t === "ns_timestamp") return "nano_timestamp";
  return undefined;
}

// Plausible dates: 2000-01-01 to 2100-01-01, in seconds.
const MIN_S = 946_684_800;
const MAX_S = 4_102_444_800;

/**
 * The instant an epoch number means, its unit guessed by magnitude (s, ms, µs, ns), or
 * undefined when no unit gives a date between 2000 and 2100. `nano` forces nanoseconds.
 */
export function epochToDate(n: number, nano = false): Date | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (nano) return inRange(n / 1e9) ? new Date(n / 1e6) : undefined;
  for (const perSecond of [1, 1e3, 1e6, 1e9]) {
    const s = n / perSecond;
    if (inRange(s)) return new Date(s * 1000);
  }
  return undefined;
}

function inRange(s: number): boolean {
  return s >= MIN_S && s < MAX_S;
}

/**
 * The ISO text of the time a value stands for in this column, or undefined when it is not one:
 * RFC 3339 strings anywhere; epoch numbers (or digit strings) only in time columns or columns
 * declared as timestamps.
 */
export function timeOf(value: unknown, column: string, declared?: string): string | undefined {
  if (isTimestamp(value)) return value;
  const kind = declaredKind(declared);
  if (!kind && !isTimeColumn(column)) return undefined;
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{9,19}(\.\d+)?$/.test(value) ? Number(value) : undefined;
  if (n === undefined) return undefined;
  // Whole seconds read as whole seconds (no ".000").
  return epochToDate(n, kind === "nano_timestamp")?.toISOString().replace(".000Z", "Z");
}

/** Velociraptor's ids: client, flow, hunt, notebook, notebook cell, alert. */
const ID = /^(C|F|H|N|NC|A)\.[0-9A-Za-z][0-9A-Za-z._-]{3,}$/;

export function isId(value: unknown): value is string {
  return typeof value === "string" && value.length <= 80 && ID.test(value);
}

/** An id split so the part that differs between ids (the end) never hides: `[head, tail]`. */
export function splitId(id: string, tail = 6): [string, string] {
  if (id.length <= tail + 3) return [id, ""];
  return [id.slice(0, -tail), id.slice(-tail)];
}
