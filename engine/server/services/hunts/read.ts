// Reading hunts: the list, one hunt with its exact counts, its compiled request, its clients by
// queue, and every client's rows of one source (read from each client's flow, page by page).
import { queries } from "@/drizzle";
import { parseHuntId, requirePermission, ServiceError, type HuntClientState, type HuntSummary, type Principal } from "@/engine/server/contracts";
import { toHuntClient, toHuntSummary } from "./mappers";
import type { HuntsDeps } from "./start";

const PAGE = 500;

export function startHuntReads(deps: HuntsDeps) {
  const db = deps.database.db;

  async function load(huntId: string) {
    const id = parseHuntId(huntId);
    const h = id && (await queries.getHunt(db, id));
    if (!h) throw new ServiceError("not_found", `no hunt ${huntId}`);
    return h;
  }

  async function summaries(records: Awaited<ReturnType<typeof load>>[]): Promise<HuntSummary[]> {
    const counts = await queries.huntCounts(db, records.map((h) => h.huntId));
    const now = deps.clock.now();
    return records.map((h) => toHuntSummary(h, counts.get(h.huntId), now));
  }

  return {
    load,
    summaries,
    async list(actor: Principal, p: { offset?: number; limit?: number } = {}) {
      requirePermission(actor, "READ_RESULTS");
      const page = await queries.listHunts(db, { offset: Math.max(0, p.offset ?? 0), limit: Math.min(1000, Math.max(1, p.limit ?? 50)) });
      return { items: await summaries(page.items), total: page.total };
    },
    async get(actor: Principal, huntId: string) {
      requirePermission(actor, "READ_RESULTS");
      return (await summaries([await load(huntId)]))[0]!;
    },
    async request(actor: Principal, huntId: string) {
      requirePermission(actor, "READ_RESULTS");
      return (await load(huntId)).request;
    },
    async clients(actor: Principal, huntId: string, p: { state?: HuntClientState; offset?: number; limit?: number } = {}) {
      requirePermission(actor, "READ_RESULTS");
      const h = await load(huntId);
      const rows = await queries.listHuntClients(db, { huntId: h.huntId, states: p.state ? [p.state] : undefined, offset: Math.max(0, p.offset ?? 0), limit: Math.min(10_000, Math.max(1, p.limit ?? 100)) });
      return rows.map(toHuntClient);
    },
    async *results(actor: Principal, p: { huntId: string; artifact?: string; source?: string; signal?: AbortSignal }) {
      requirePermission(actor, "READ_RESULTS");
      const h = await load(p.huntId);
      const artifact = p.artifact || h.artifacts[0] || "";
      const name = p.source ? `${artifact}/${p.source}` : artifact;
      for (let offset = 0; ; offset += PAGE) {
        p.signal?.throwIfAborted();
        const page = await queries.listHuntClients(db, { huntId: h.huntId, states: ["with_results", "running", "error"], offset, limit: PAGE });
        for (const c of page) {
          if (!c.flowId) continue;
          for (let rowOffset = 0; ; rowOffset += PAGE) {
            p.signal?.throwIfAborted();
            const r = await deps.flows.results(actor, { clientId: c.clientId, flowId: c.flowId, artifact: name, offset: rowOffset, limit: PAGE }).catch(() => undefined);
            if (!r) break;
            for (const row of r.rows) yield { ...row, ClientId: c.clientId, FlowId: c.flowId, Fqdn: c.fqdn };
            if (r.rows.length < PAGE) break;
          }
        }
        if (page.length < PAGE) return;
      }
    },
  };
}
