// Conversions between VQL values and the timelines seam: times as Unix nanoseconds (decimal
// text), a stored row back as the row timeline() emits (Velociraptor's column order:
// Timestamp, Message, Description, the row's own columns, _Source), and a super-timeline as
// the dict Velociraptor's SuperTimeline message converts to.
import { OrderedDict, Timestamp, toTimestamp, toVqlString } from "../../vql";
import { parseJsonOrdered } from "@/engine/vql/builtins/text/json-parse";
import type { SuperTimeline, TimelineEvent } from "@/engine/server/contracts";

const NS = 1_000_000_000n;

export function timestampToNs(t: Timestamp): string {
  return (BigInt(t.sec) * NS + BigInt(t.nsec)).toString();
}

export function nsToTimestamp(ns: string): Timestamp {
  const n = BigInt(ns);
  let sec = n / NS;
  let nsec = n % NS;
  if (nsec < 0n) {
    nsec += NS;
    sec -= 1n;
  }
  return new Timestamp(Number(sec), Number(nsec));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A key column's value as Unix ns, or undefined when it is NULL or not a time (the row is
 * skipped). Times outside int64 nanoseconds (before 1677-09-21, after 2262-04-11, e.g. Go's zero
 * time that timestamp(epoch=0) gives) are clamped to its ends, where Velociraptor's UnixNano()
 * would overflow.
 */
export function keyToNs(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const t = toTimestamp(v);
  if (!t) return undefined;
  const ns = BigInt(t.sec) * NS + BigInt(t.nsec);
  return (ns < INT64_MIN ? INT64_MIN : ns > INT64_MAX ? INT64_MAX : ns).toString();
}

/** The row timeline() emits for one stored event (Velociraptor's timelineTransformer and reader). */
export function eventRow(e: TimelineEvent): OrderedDict {
  const parsed = parseJsonOrdered(e.row, false);
  const row = parsed instanceof OrderedDict ? parsed : new OrderedDict();
  const messageColumn = e.messageColumn || "Message";
  const descColumn = e.timestampDescriptionColumn || "Description";
  const message = row.get(messageColumn);
  const description = row.get(descColumn);
  // Velociraptor drops only the columns the component names (not the defaults).
  const dropped = new Set([e.messageColumn, e.timestampDescriptionColumn].filter(Boolean));
  const out = new OrderedDict([
    ["Timestamp", nsToTimestamp(e.ts)],
    ["Message", message === undefined || message === null ? "" : toVqlString(message)],
    ["Description", typeof description === "string" ? description : ""],
  ]);
  for (const [k, v] of row.entries()) {
    if (k === "Timestamp" || k === "Message" || k === "Description" || dropped.has(k)) continue;
    out.set(k, v);
  }
  out.set("_Source", e.source);
  return out;
}

/** A super-timeline as Velociraptor's SuperTimeline message converts to a dict (times in Unix ns). */
export function superTimelineDict(s: SuperTimeline): OrderedDict {
  return new OrderedDict([
    ["name", s.name],
    [
      "timelines",
      s.timelines.map(
        (t) =>
          new OrderedDict([
            ["start_time", Number(t.startTime)],
            ["end_time", Number(t.endTime)],
            ["id", t.id],
            ["timestamp_column", t.timestampColumn],
            ["message_column", t.messageColumn],
            ["timestamp_description_column", t.timestampDescriptionColumn],
          ]),
      ),
    ],
  ]);
}
