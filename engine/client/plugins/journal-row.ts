// journalctl's JSON entries as Velociraptor's watch_journald()/parse_journald() rows. Parsed:
// System (Seq, Timestamp, then the trusted `_` fields, numbers where Velociraptor converts them)
// and EventData (the fields the logging program set). Raw: Timestamp and every field as text.
// journalctl's own `__` fields (cursor, timestamps) are not journal fields and are dropped after
// use. Pure.
import { OrderedDict, Timestamp } from "@/engine/vql";

const EVENT_INTS = new Set(["ERRNO", "CODE_LINE", "SYSLOG_FACILITY", "SYSLOG_PID", "TID", "PRIORITY"]);
const SYSTEM_INTS = new Set([
  "_PID", "_PPID", "_UID", "_EUID", "_FSUID", "_EGID", "_GID", "_AUDIT_LOGINUID", "_AUDIT_SESSION",
  "_AUDIT_TYPE", "_AUDIT_ID", "_AUDIT_FIELD_SYSCALL", "_AUDIT_FIELD_EXIT", "_AUDIT_FIELD_SUID", "_AUDIT_FIELD_SGID",
]);

const fromMicros = (us: number) => new Timestamp(Math.floor(us / 1e6), (us % 1e6) * 1000);

/** A field's value as text: journalctl writes binary values as byte arrays and repeated fields as arrays (the last one wins, as in the file parser). */
function text(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "number")) return Buffer.from(v as number[]).toString("utf8");
    return v.length ? text(v[v.length - 1]) : "";
  }
  return v === null || v === undefined ? "" : String(v);
}

const integer = (s: string): number | undefined => (/^-?\d+$/.test(s.trim()) ? Number(s.trim()) : undefined);

/** The entry's sequence number: `__SEQNUM`, or the `i=` part of the cursor (hex). */
function seqOf(entry: Record<string, unknown>): number {
  const n = integer(text(entry.__SEQNUM));
  if (n !== undefined) return n;
  const m = /(?:^|;)i=([0-9a-f]+)/.exec(text(entry.__CURSOR));
  return m ? parseInt(m[1]!, 16) : 0;
}

const timestampOf = (entry: Record<string, unknown>) => fromMicros(integer(text(entry.__REALTIME_TIMESTAMP)) ?? 0);

export function journalRow(entry: Record<string, unknown>, raw: boolean): OrderedDict {
  if (raw) {
    const row = new OrderedDict().set("Timestamp", timestampOf(entry));
    for (const [k, v] of Object.entries(entry)) if (!k.startsWith("__")) row.set(k, text(v));
    return row;
  }
  const system = new OrderedDict().set("Seq", seqOf(entry)).set("Timestamp", timestampOf(entry));
  const eventData = new OrderedDict();
  for (const [k, v] of Object.entries(entry)) {
    if (k.startsWith("__")) continue;
    const s = text(v);
    if (k === "_SOURCE_REALTIME_TIMESTAMP") {
      const us = integer(s);
      if (us !== undefined) {
        system.set("SOURCE_REALTIME_TIMESTAMP", fromMicros(us));
        continue;
      }
    }
    const n = EVENT_INTS.has(k) || SYSTEM_INTS.has(k) ? integer(s) : undefined;
    (k.startsWith("_") ? system : eventData).set(k, n ?? s);
  }
  return new OrderedDict().set("System", system).set("EventData", eventData);
}
