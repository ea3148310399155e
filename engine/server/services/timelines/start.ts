// The super-timelines service: components written in generations (begin → append batches →
// commit, or discard), merged reads in time order, listing and deletion, all behind the
// notebook's read rule (access.ts). Unfinished generations are held in this process (the
// query worker that writes one talks to this process's main thread), keyed by a random id and
// bound to the writer and the notebook, so a batch cannot land in someone else's timeline.
import { randomUUID } from "node:crypto";
import { queries } from "@/drizzle";
import type { NotebookTimelineRecord } from "@/drizzle/schema";
import {
  requirePermission,
  ServiceError,
  type AuditService,
  type Principal,
  type ServiceDeps,
  type SuperTimeline,
  type TimelineComponent,
  type TimelineSpec,
  type TimelinesService,
} from "@/engine/server/contracts";
import { checkName, requireNotebook } from "./access";

export interface TimelinesDeps extends Pick<ServiceDeps, "database" | "clock"> {
  audit: Pick<AuditService, "record">;
}

const MAX_BATCH = 10_000;
const MAX_PAGE = 5_000;
const NS = /^-?\d{1,19}$/;

/** An add not committed after this long is taken as abandoned (its worker died): its rows are dropped. */
const ABANDONED_MS = 12 * 3600_000;

interface Pending {
  startedAt: number;
  username: string;
  notebookId: string;
  supertimeline: string;
  id: string;
  /** The generation's appends, in order: discard and commit wait for them (an abandoned append may still be writing). */
  writes: Promise<void>;
}

function component(r: NotebookTimelineRecord): TimelineComponent {
  return {
    id: r.id,
    startTime: String(r.startTime),
    endTime: String(r.endTime),
    timestampColumn: r.timestampColumn,
    messageColumn: r.messageColumn,
    timestampDescriptionColumn: r.timestampDescriptionColumn,
  };
}

function checkSpec(spec: TimelineSpec): TimelineSpec {
  const str = (v: unknown) => (typeof v === "string" ? v.slice(0, 500) : "");
  return { id: checkName("timeline", spec?.id), timestampColumn: str(spec.timestampColumn), messageColumn: str(spec.messageColumn), timestampDescriptionColumn: str(spec.timestampDescriptionColumn) };
}

export function startTimelines(deps: TimelinesDeps): TimelinesService {
  const { db } = deps.database;
  const pending = new Map<string, Pending>();

  function owned(actor: Principal, notebookId: string, generation: string): Pending {
    const p = pending.get(generation);
    if (!p || p.username !== actor.username || p.notebookId !== notebookId) throw new ServiceError("not_found", "no timeline being written with that generation");
    return p;
  }

  async function superTimeline(notebookId: string, name: string): Promise<SuperTimeline> {
    const [s] = await queries.listSupertimelines(db, notebookId, name);
    return { name, timelines: (s?.components ?? []).map(component) };
  }

  return {
    async list(actor, notebookId) {
      await requireNotebook(db, actor, notebookId);
      return (await queries.listSupertimelines(db, notebookId)).map((s) => ({ name: s.name, timelines: s.components.map(component) }));
    },

    async begin(actor, notebookId, supertimeline, spec) {
      await requireNotebook(db, actor, notebookId);
      const name = checkName("super-timeline", supertimeline);
      const s = checkSpec(spec);
      const now = deps.clock.now().getTime();
      for (const [g, p] of pending) {
        if (now - p.startedAt < ABANDONED_MS) continue;
        pending.delete(g);
        await p.writes;
        await queries.deleteTimelineGeneration(db, g);
      }
      const generation = randomUUID();
      pending.set(generation, { startedAt: now, username: actor.username, notebookId, supertimeline: name, id: s.id, writes: Promise.resolve() });
      return generation;
    },

    async append(actor, notebookId, generation, batch) {
      const p = owned(actor, notebookId, generation);
      const { ts, rows, firstOrd } = batch;
      if (!Array.isArray(ts) || !Array.isArray(rows) || ts.length !== rows.length) throw new ServiceError("bad_request", "a timeline batch needs one time per row");
      if (ts.length > MAX_BATCH) throw new ServiceError("bad_request", `a timeline batch is at most ${MAX_BATCH} rows`);
      if (!Number.isInteger(firstOrd) || firstOrd < 0) throw new ServiceError("bad_request", "a timeline batch needs its first ordinal");
      for (const t of ts) if (typeof t !== "string" || !NS.test(t)) throw new ServiceError("bad_request", "a timeline row's time is Unix nanoseconds");
      for (const r of rows) if (typeof r !== "string" || !r.startsWith("{")) throw new ServiceError("bad_request", "a timeline row is a JSON object");
      const write = p.writes.then(() => queries.appendTimelineRows(db, { generation, notebookId, firstOrd, ts, data: rows }));
      p.writes = write.catch(() => undefined);
      await write;
    },

    async commit(actor, notebookId, supertimeline, generation, spec) {
      const p = owned(actor, notebookId, generation);
      await requireNotebook(db, actor, notebookId);
      const s = checkSpec(spec);
      if (p.supertimeline !== supertimeline || p.id !== s.id) throw new ServiceError("bad_request", "the generation was begun for another timeline");
      await p.writes;
      await queries.commitTimeline(db, {
        notebookId,
        supertimeline: p.supertimeline,
        id: s.id,
        generation,
        timestampColumn: s.timestampColumn,
        messageColumn: s.messageColumn,
        timestampDescriptionColumn: s.timestampDescriptionColumn,
        at: deps.clock.now(),
      });
      pending.delete(generation);
      await deps.audit.record(actor, "timeline_add", { notebook: notebookId, supertimeline: p.supertimeline, timeline: s.id });
      return superTimeline(notebookId, p.supertimeline);
    },

    async discard(actor, notebookId, generation) {
      const p = owned(actor, notebookId, generation);
      pending.delete(generation);
      await p.writes;
      await queries.deleteTimelineGeneration(db, generation);
    },

    async read(actor, notebookId, supertimeline, req) {
      await requireNotebook(db, actor, notebookId);
      const name = checkName("super-timeline", supertimeline);
      if (!req.after) await queries.ensureSupertimeline(db, { notebookId, name, at: deps.clock.now() });
      const startNs = req.startNs ?? "-9223372036854775808";
      if (!NS.test(startNs)) throw new ServiceError("bad_request", "start is Unix nanoseconds");
      const after = req.after;
      if (after && (!NS.test(after.ts) || !Number.isInteger(after.position) || !Number.isInteger(after.ord))) throw new ServiceError("bad_request", "a bad timeline cursor");
      const limit = Math.min(Math.max(1, Math.floor(req.limit ?? 1000)), MAX_PAGE);
      const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
      const rows = await queries.readTimelineRows(db, { notebookId, supertimeline: name, include: strings(req.components), exclude: strings(req.skip), startNs, after, limit });
      const last = rows[rows.length - 1];
      return {
        events: rows.map((r) => ({ ts: r.ts, source: r.source, messageColumn: r.messageColumn, timestampDescriptionColumn: r.timestampDescriptionColumn, row: r.data })),
        ...(rows.length === limit && last ? { cursor: { ts: last.ts, position: last.position, ord: last.ord } } : {}),
      };
    },

    async remove(actor, notebookId, supertimeline, componentName) {
      await requireNotebook(db, actor, notebookId);
      requirePermission(actor, "NOTEBOOK_EDITOR");
      const name = checkName("super-timeline", supertimeline);
      const found = await queries.deleteTimelineComponents(db, { notebookId, supertimeline: name, id: componentName || undefined });
      if (!found) throw new ServiceError("not_found", `no super-timeline ${name} in notebook ${notebookId}`);
      await deps.audit.record(actor, "timeline_delete", { notebook: notebookId, supertimeline: name, timeline: componentName ?? "" });
    },
  };
}
