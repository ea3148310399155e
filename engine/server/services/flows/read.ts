// Reading flows back: lists, one flow, result pages (columns in the agent's order; sorted and
// filtered in the database, the column checked against the source's columns first), logs,
// uploads and the stored file of an upload.
import { NotFoundError, queries, type Db } from "@/drizzle";
import { parseClientId, parseFlowId } from "@/engine/protocol";
import { requirePermission, ServiceError, type FlowResultsView, type FlowSourceSummary, type FlowSummary, type Principal, type ServiceDeps } from "@/engine/server/contracts";
import { toFlowSummary } from "./mappers";
import type { UploadStore } from "./uploads";

function ids(clientId: string, flowId: string) {
  const c = parseClientId(clientId);
  const f = parseFlowId(flowId);
  if (!c) throw new ServiceError("bad_request", `\`${clientId}\` is not a client id`);
  if (!f) throw new ServiceError("bad_request", `\`${flowId}\` is not a flow id`);
  return { clientId: c as string, flowId: f as string };
}

/** The source `artifact` names: itself, or an artifact's only source (`A` for `A/S`). */
function sourceOf(flow: FlowSummary, artifact: string): FlowSourceSummary | undefined {
  const sources = flow.sources as FlowSourceSummary[];
  const prefixed = sources.filter((x) => x.artifact.startsWith(`${artifact}/`));
  return sources.find((s) => s.artifact === artifact) ?? (prefixed.length === 1 ? prefixed[0] : undefined);
}

/** The view with its columns checked against the source's (the only names that reach SQL). */
function checkView(source: FlowSourceSummary, v: FlowResultsView): FlowResultsView {
  const out: FlowResultsView = {};
  if (v.sort) {
    if (!source.columns.includes(v.sort.column)) throw new ServiceError("bad_request", `no column \`${v.sort.column}\` to sort by in \`${source.artifact}\``);
    out.sort = { column: v.sort.column, desc: Boolean(v.sort.desc) };
  }
  const text = v.filter?.text?.trim() ?? "";
  if (text) {
    if (text.length > 1000) throw new ServiceError("bad_request", "the filter is longer than 1000 characters");
    if (v.filter?.column && !source.columns.includes(v.filter.column)) throw new ServiceError("bad_request", `no column \`${v.filter.column}\` to filter in \`${source.artifact}\``);
    out.filter = { text, ...(v.filter?.column ? { column: v.filter.column } : {}) };
  }
  return out;
}

const clamp = (v: number | undefined, def: number, max: number) => Math.min(Math.max(Math.trunc(v ?? def), 1), max);

export function startFlowReads(deps: ServiceDeps, uploads: UploadStore) {
  const { db } = deps.database;

  async function load(clientId: string, flowId: string, tx: Db = db): Promise<FlowSummary> {
    const k = ids(clientId, flowId);
    try {
      const f = await queries.getFlow(tx, k.clientId, k.flowId);
      return toFlowSummary(f, await queries.getFlowSources(tx, [f.flowId]));
    } catch (err) {
      if (err instanceof NotFoundError) throw new ServiceError("not_found", err.message);
      throw err;
    }
  }

  return {
    load,

    /** `artifact`: only the flows that collected it. */
    async list(actor: Principal, clientId: string, p: { offset?: number; limit?: number; artifact?: string } = {}) {
      requirePermission(actor, "READ_RESULTS");
      const c = parseClientId(clientId);
      if (!c) throw new ServiceError("bad_request", `\`${clientId}\` is not a client id`);
      const { rows, total } = await queries.listFlows(db, { clientId: c, offset: Math.max(p.offset ?? 0, 0), limit: clamp(p.limit, 50, 1000), ...(p.artifact ? { artifact: p.artifact } : {}) });
      const sources = await queries.getFlowSources(db, rows.map((r) => r.flowId));
      return { items: rows.map((r) => toFlowSummary(r, sources)), total };
    },

    async get(actor: Principal, clientId: string, flowId: string) {
      requirePermission(actor, "READ_RESULTS");
      return load(clientId, flowId);
    },

    async results(actor: Principal, p: { clientId: string; flowId: string; artifact: string; offset?: number; limit?: number; tx?: Db } & FlowResultsView) {
      requirePermission(actor, "READ_RESULTS");
      const tx = p.tx ?? db;
      const flow = await load(p.clientId, p.flowId, tx);
      const source = sourceOf(flow, p.artifact);
      if (!source) return { columns: [], rows: [], total: 0 };
      const view = checkView(source, p);
      const offset = Math.max(Math.trunc(p.offset ?? 0), 0);
      const limit = clamp(p.limit, 100, 10_000);
      if (queries.isPlainView(view)) {
        const rows = await queries.readFlowResults(tx, { flowId: flow.flowId, artifact: source.artifact, offset, limit });
        return { columns: source.columns, rows, total: source.totalRows };
      }
      const k = { flowId: flow.flowId, artifact: source.artifact, ...view };
      const rows = await queries.pageFlowResults(tx, { ...k, offset, limit });
      const total = view.filter?.text.trim() ? await queries.countFlowResults(tx, k) : source.totalRows;
      return { columns: source.columns, rows, total };
    },

    async *resultPages(actor: Principal, p: { clientId: string; flowId: string; artifact: string; batch?: number } & FlowResultsView) {
      requirePermission(actor, "READ_RESULTS");
      const flow = await load(p.clientId, p.flowId);
      const source = sourceOf(flow, p.artifact);
      if (!source) throw new ServiceError("not_found", `no source \`${p.artifact}\` in flow ${flow.flowId}`);
      const view = checkView(source, p);
      yield* queries.iterateFlowResults(db, { flowId: flow.flowId, artifact: source.artifact, batch: clamp(p.batch, 1000, 10_000), ...view });
    },

    async firstRows(actor: Principal, wanted: Array<{ flowId: string; artifact: string }>, opts: { tx?: Db } = {}) {
      requirePermission(actor, "READ_RESULTS");
      return queries.readFirstRows(opts.tx ?? db, wanted);
    },

    async logs(actor: Principal, p: { clientId: string; flowId: string; offset?: number; limit?: number }) {
      requirePermission(actor, "READ_RESULTS");
      const flow = await load(p.clientId, p.flowId);
      const rows = await queries.readFlowLogs(db, { flowId: flow.flowId, offset: Math.max(Math.trunc(p.offset ?? 0), 0), limit: clamp(p.limit, 100, 10_000) });
      const errors = await queries.flowLogErrors(db, flow.flowId);
      const firstError = errors.first ? { message: errors.first.message, artifact: errors.first.artifact } : undefined;
      return { items: rows.map((r) => ({ time: r.at, level: r.level, message: r.message, artifact: r.artifact })), total: flow.totalLogs, errors: errors.count, ...(firstError ? { firstError } : {}) };
    },

    async uploads(actor: Principal, p: { clientId: string; flowId: string }) {
      requirePermission(actor, "READ_RESULTS");
      const flow = await load(p.clientId, p.flowId);
      return (await queries.listFlowUploads(db, flow.flowId)).map((u) => ({ uploadId: u.uploadId, name: u.name, size: Number(u.size), sha256: u.sha256, artifact: u.artifact, createdAt: u.createdAt }));
    },

    async uploadFile(actor: Principal, p: { clientId: string; flowId: string; uploadId: string }) {
      requirePermission(actor, "READ_RESULTS");
      const flow = await load(p.clientId, p.flowId);
      try {
        const u = await queries.getFlowUpload(db, flow.flowId, String(p.uploadId));
        return { name: u.name, size: Number(u.size), sha256: u.sha256, body: uploads.read(db, u) };
      } catch (err) {
        if (err instanceof NotFoundError) throw new ServiceError("not_found", err.message);
        throw err;
      }
    },
  };
}
