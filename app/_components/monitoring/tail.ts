// The live tail's bounded memory, kept pure so it is tested without a browser: batches from
// `events:<queue>` go in newest first, at most `cap` rows are kept, and rows the server did not
// send (its `skipped`) or that fell off the end are counted as not shown. Also the UTC day
// range a date picker's value stands for.
import type { EventRow } from "./types";

export const TAIL_CAP = 500;

export interface Tail {
  rows: EventRow[];
  /** Rows that arrived but are not in `rows`: skipped by the server or dropped past the cap. */
  notShown: number;
}

export const emptyTail: Tail = { rows: [], notShown: 0 };

function isEventRow(v: unknown): v is EventRow {
  if (!v || typeof v !== "object") return false;
  const r = v as Record<string, unknown>;
  return typeof r.at === "string" && typeof r.clientId === "string" && !!r.row && typeof r.row === "object";
}

/** Adds one `{type: "events", rows, skipped}` message; anything else leaves the tail as it is. */
export function addBatch(tail: Tail, message: Record<string, unknown>, cap = TAIL_CAP): Tail {
  if (message.type !== "events") return tail;
  const incoming = Array.isArray(message.rows) ? message.rows.filter(isEventRow) : [];
  const skipped = typeof message.skipped === "number" && message.skipped > 0 ? message.skipped : 0;
  if (!incoming.length && !skipped) return tail;
  const all = [...incoming.reverse(), ...tail.rows];
  const kept = all.slice(0, cap);
  return { rows: kept, notShown: tail.notShown + skipped + (all.length - kept.length) };
}

/** Columns of the rows, in order of first appearance. */
export function columnsOf(rows: EventRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.row)) seen.add(k);
  return [...seen];
}

/** The UTC day `yyyy-mm-dd` as epoch seconds [start, end); undefined for anything else. */
export function utcDay(day: string): { start: number; end: number } | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const start = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(start)) return undefined;
  return { start: start / 1000, end: start / 1000 + 86_400 };
}

/** Today's UTC date as `yyyy-mm-dd`. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
