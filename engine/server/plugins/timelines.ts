// Server VQL over notebook super-timelines, as Velociraptor's vql/server/timelines:
// timeline_add() runs a query and stores its rows as a component of a super-timeline (READ_RESULTS),
// timeline() reads chosen components merged in time order (READ_RESULTS), timelines() lists a
// notebook's super-timelines (READ_RESULTS), timeline_delete() removes a component or all of
// them (NOTEBOOK_EDITOR). The notebook defaults to the scope's NotebookId; the timelines service
// checks the caller may read it. A refusal is a logged ERROR and NULL / no rows.
import { arg, defineFunction, definePlugin, dictGet, isDictLike, rowToJson, toTimestamp, untilAborted, type Builtin, type BuiltinContext, type Row } from "../../vql";
import type { TimelineReadCursor } from "@/engine/server/contracts";
import { guarded } from "./clients";
import { serverHost, timelinesOf } from "./host";
import { eventRow, keyToNs, superTimelineDict, timestampToNs } from "./timeline-values";

const BATCH = 1000;
const PAGE = 1000;

/** notebook_id, or the scope's NotebookId (as Velociraptor falls back to it); undefined is logged. */
async function notebookOf(ctx: BuiltinContext, given: string | undefined): Promise<string | undefined> {
  if (given) return given;
  const v = await ctx.lookup("NotebookId");
  if (typeof v === "string" && v) return v;
  ctx.log("ERROR", `${ctx.name}: Notebook ID must be specified`);
  return undefined;
}

const timelineAdd = defineFunction({
  name: "timeline_add",
  category: "server",
  doc: "Add a new query to a timeline: runs `query` and stores its rows, sorted by the time in column `key`, as the component `name` of the notebook's super-timeline `timeline` (made when missing; a component of that name is replaced). Rows whose key is missing or not a time are left out. Returns the super-timeline: {name, timelines: [{start_time, end_time, id, timestamp_column, message_column, timestamp_description_column}]} (times in Unix ns).",
  args: {
    timeline: arg.string().required().doc("Supertimeline to add to. If a super timeline does not exist, creates a new one."),
    name: arg.string().required().doc("Name/Id of child timeline to add."),
    query: arg.query().required().doc("Run this query to generate the timeline."),
    key: arg.string().required().doc("The column representing the time to key off."),
    message_column: arg.string().doc("The column representing the message."),
    ts_desc_column: arg.string().doc("The column representing the timestamp description."),
    notebook_id: arg.string().doc("The notebook ID the timeline is stored in (default: the scope's NotebookId)."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  sideEffects: true,
  async run(a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const notebookId = await notebookOf(ctx, a.notebook_id);
    if (!notebookId) return null;
    const svc = timelinesOf(services);
    const spec = { id: a.name, timestampColumn: a.key, messageColumn: a.message_column ?? "", timestampDescriptionColumn: a.ts_desc_column ?? "" };
    const generation = await guarded(ctx, () => svc.begin(principal, notebookId, a.timeline, spec), null);
    if (!generation) return null;
    let committed = false;
    try {
      let ord = 0;
      let ts: string[] = [];
      let rows: string[] = [];
      const flush = async () => {
        if (!ts.length) return;
        const batch = { firstOrd: ord, ts, rows };
        ord += ts.length;
        ts = [];
        rows = [];
        await untilAborted(svc.append(principal, notebookId, generation, batch), ctx.signal);
      };
      for await (const row of a.query.rows()) {
        ctx.signal.throwIfAborted();
        if (!isDictLike(row)) continue;
        const ns = keyToNs(dictGet(row, a.key));
        if (ns === undefined) continue;
        ts.push(ns);
        rows.push(rowToJson(row as Row));
        if (ts.length >= BATCH) await flush();
      }
      await flush();
      const made = await guarded(ctx, () => svc.commit(principal, notebookId, a.timeline, generation, spec), null);
      committed = made !== null;
      return made ? superTimelineDict(made) : null;
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `timeline_add: ${(err as Error).message}`);
      return null;
    } finally {
      // A cancelled or failed add leaves the component as it was.
      if (!committed) await svc.discard(principal, notebookId, generation).catch(() => undefined);
    }
  },
});

const timelinePlugin = definePlugin({
  name: "timeline",
  category: "server",
  doc: "Read a timeline. You can create a timeline with the timeline_add() function. Emits the rows of the super-timeline's components merged in time order: Timestamp, Message, Description, the row's own columns and _Source (the component).",
  args: {
    timeline: arg.string().required().doc("Name of the timeline to read"),
    components: arg.list(arg.string()).doc("List of child components to include"),
    skip: arg.list(arg.string()).doc("List of child components to skip"),
    start: arg.any().doc("First timestamp to fetch"),
    notebook_id: arg.string().doc("The notebook ID the timeline is stored in."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run(a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const notebookId = await notebookOf(ctx, a.notebook_id);
    if (!notebookId) return;
    let startNs: string | undefined;
    if (a.start !== undefined && a.start !== null) {
      const t = toTimestamp(a.start);
      if (!t) {
        ctx.log("ERROR", `timeline: start is not a time: ${String(a.start)}`);
        return;
      }
      if (!t.isZero()) startNs = timestampToNs(t);
    }
    const svc = timelinesOf(services);
    let after: TimelineReadCursor | undefined;
    for (;;) {
      ctx.signal.throwIfAborted();
      const page = await guarded(ctx, () => svc.read(principal, notebookId, a.timeline, { components: a.components, skip: a.skip, startNs, after, limit: PAGE }), null);
      if (!page) return;
      for (const e of page.events) {
        ctx.signal.throwIfAborted();
        yield eventRow(e);
      }
      if (!page.cursor) return;
      after = page.cursor;
    }
  },
});

const timelinesPlugin = definePlugin({
  name: "timelines",
  category: "server",
  doc: "List all timelines in a notebook: one row per super-timeline, {name, timelines: [{start_time, end_time, id, timestamp_column, message_column, timestamp_description_column}]}.",
  args: {
    notebook_id: arg.string().doc("The notebook ID the timeline is stored in."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run(a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const notebookId = await notebookOf(ctx, a.notebook_id);
    if (!notebookId) return;
    const all = await guarded(ctx, () => timelinesOf(services).list(principal, notebookId), null);
    for (const s of all ?? []) {
      ctx.signal.throwIfAborted();
      yield superTimelineDict(s);
    }
  },
});

const timelineDelete = defineFunction({
  name: "timeline_delete",
  category: "server",
  doc: "Delete a super timeline's component `name`, or every component when `name` is not given. Returns TRUE; an unknown super-timeline is a logged ERROR and NULL.",
  args: {
    timeline: arg.string().required().doc("Supertimeline to delete."),
    notebook_id: arg.string().doc("The notebook ID the timeline is stored in."),
    name: arg.string().doc("Name/Id of child timeline to delete. If not specified deletes the entire timeline"),
  },
  permissions: ["NOTEBOOK_EDITOR"],
  platforms: ["server"],
  sideEffects: true,
  async run(a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const notebookId = await notebookOf(ctx, a.notebook_id);
    if (!notebookId) return null;
    const done = await guarded(ctx, async () => (await timelinesOf(services).remove(principal, notebookId, a.timeline, a.name ?? ""), true), null);
    return done;
  },
});

export const timelineBuiltins: readonly Builtin[] = [timelineAdd, timelinePlugin, timelinesPlugin, timelineDelete];
