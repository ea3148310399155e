/**
 * diff(): runs a (non-event) query every `period` seconds and emits how its rows changed since
 * the previous run, keyed by one column, as Velociraptor does: the first run is the baseline
 * and emits nothing; rows whose key is new come out with `Diff: "added"`, then rows whose key
 * has gone with `Diff: "removed"`. A key seen in both runs emits nothing, whatever else changed.
 */
import { getMember, MISSING } from "@/engine/vql/values/access";
import { isDictLike, OrderedDict } from "@/engine/vql/values/ordered-dict";
import { toVqlString } from "@/engine/vql/values/stringify";
import { abortable } from "../abortable";
import { arg } from "../arg";
import { definePlugin } from "../define";
import type { QueryArg } from "../types";
import { eventStream, pause } from "./event-stream";

/** Rows of one run by key text, in the order the keys first appeared. */
type Snapshot = Map<string, OrderedDict[]>;

/** A copy of the row as a dict (rows are kept between runs and get a `Diff` column). */
function rowDict(row: unknown): OrderedDict {
  if (row instanceof OrderedDict) return row.copy();
  return isDictLike(row) ? OrderedDict.fromObject(row) : new OrderedDict();
}

async function snapshot(query: QueryArg, key: string, signal: AbortSignal): Promise<Snapshot> {
  const rows: Snapshot = new Map();
  for await (const row of abortable(query.rows(), signal)) {
    const k = getMember(row, key);
    if (k === MISSING) continue;
    const text = toVqlString(k);
    const list = rows.get(text);
    if (list) list.push(rowDict(row));
    else rows.set(text, [rowDict(row)]);
  }
  return rows;
}

/** What changed from `before` to `after` (rows with their `Diff` column set). */
function changes(before: Snapshot, after: Snapshot): OrderedDict[] {
  const out: OrderedDict[] = [];
  for (const [k, rows] of after) if (!before.has(k)) for (const r of rows) out.push(r.copy().set("Diff", "added"));
  for (const [k, rows] of before) if (!after.has(k)) for (const r of rows) out.push(r.copy().set("Diff", "removed"));
  return out;
}

export const diffPlugin = definePlugin({
  name: "diff",
  category: "event",
  doc: "Run `query` every `period` seconds, for ever, and emit the rows whose `key` appeared (`Diff` = \"added\") or disappeared (\"removed\") since the previous run; the first run is the baseline and emits nothing.",
  args: {
    query: arg.query().required().doc("The query to run each period (it must end; rows of a query that never ends are never compared)."),
    key: arg.string().required().doc("The column that identifies a row (its text value; combine columns with format() when one is not enough)."),
    period: arg.float().default(60).min(0).doc("Seconds between runs, counted from the end of the previous run's rows (0 means 60)."),
  },
  run({ query, key, period }, ctx) {
    const everyMs = (period || 60) * 1000;
    return eventStream(ctx, async function* (signal) {
      let before: Snapshot | null = null;
      for (;;) {
        ctx.log("DEBUG", "diff: running query");
        const after = await snapshot(query, key, signal);
        if (before) yield* changes(before, after);
        before = after;
        await pause(everyMs, signal);
      }
    });
  },
});
