// Reading flows back: lists, one flow, result pages (columns in the agent's order), logs,
// uploads and the stored file of an upload.
import { NotFoundError, queries, type Db } from "@/drizzle";
import { parseClientId, parseFlowId } from "@/engine/protocol";
import { requirePermission, ServiceError, type FlowSummary, type Principal, type ServiceDeps } from "@/engine/server/contracts";
import { toFlowSummary } from "./mappers";
import type { UploadStore } from "./uploads";

function ids(clientId: string, flowId: string) {
  const c = parseClientId(clientId);
  const f = parseFlowId(flowId);
  if (!c) throw new ServiceError("bad_request", `\`${clientId}\` is not a client id`);
  if (!f) throw new ServiceError("bad_request", `\`${flowId}\` is not a flow id`);
  return { clientId: c as string, flowId: f as string };
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

    async list(actor: Principal, clientId: string, p: { offset?: number; limit?: number } = {}) {
      requirePermission(actor, "READ_RESULTS");
      const c = parseClientId(clientId);
      if (!c) throw new ServiceError("bad_request", `\`${clientId}\` is not a client id`);
      const { rows, total } = await queries.listFlows(db, { clientId: c, offset: Math.max(p.offset ?? 0, 0), limit: clamp(p.limit, 50, 1000) });
      const sources = await queries.getFlowSources(db, rows.map((r) => r.flowId));
      return { items: rows.map((r) => toFlowSummary(r, sources)), total };
    },

    async get(actor: Principal, clientId: string, flowId: string) {
      requirePermission(actor, "READ_RESULTS");
      return load(clientId, flowId);
    },

    async results(actor: Principal, p: { clientId: string; flowId: string; artifact: string; offset?: number; limit?: number; tx?: Db }) {
      requirePermission(actor, "READ_RESULTS");
      const tx = p.tx ?? db;
      const flow = await load(p.clientId, p.flowId, tx);
      const source = flow.sources.find((s) => s.artifact === p.artifact) ?? flow.sources.find((s) => s.artifact.startsWith(`${p.artifact}/`) && flow.sources.filter((x) => x.artifact.startsWith(`${p.artifact}/`)).length === 1);
      if (!source) return { columns: [], rows: [], total: 0 };
      const rows = await queries.readFlowResults(tx, { flowId: flow.flowId, artifact: source.artifact, offset: Math.max(Math.trunc(p.offset ?? 0), 0), limit: clamp(p.limit, 100, 10_000) });
      return { columns: source.columns, rows, total: source.totalRows };
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
