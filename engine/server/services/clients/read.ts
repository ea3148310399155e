// Reading clients: search with Velociraptor's syntax, one client, recently viewed clients.
import { queries } from "@/drizzle";
import { requirePermission, ServiceError, type AgentPresence, type ClientSearch, type ClientSummary, type Principal, type ServiceDeps } from "@/engine/server/contracts";
import { toClientSummary } from "./mappers";
import { parseClientSearch } from "./search-syntax";

const RECENT_PER_USER = 50;

export function startClientReads(deps: ServiceDeps, agents: Pick<AgentPresence, "online" | "liveNodeIds">) {
  const { db } = deps.database;
  // Recently viewed clients per user (the `recent:` verb). Kept in memory: it is a convenience.
  const recent = new Map<string, string[]>();

  function remember(username: string, clientId: string) {
    const list = (recent.get(username) ?? []).filter((id) => id !== clientId);
    list.unshift(clientId);
    recent.set(username, list.slice(0, RECENT_PER_USER));
  }

  async function mustGet(clientId: string) {
    const [row] = await queries.getClientsWithLabels(db, [clientId]);
    if (!row) throw new ServiceError("not_found", `no client ${clientId}`);
    return row;
  }

  return {
    mustGet,

    async search(actor: Principal, p: ClientSearch): Promise<{ items: ClientSummary[]; total: number }> {
      requirePermission(actor, "READ_RESULTS");
      const parsed = parseClientSearch(String(p.query ?? ""), () => recent.get(actor.username) ?? []);
      if (!parsed.ok) throw new ServiceError("bad_request", parsed.message);
      const limit = Math.min(Math.max(Math.trunc(p.limit ?? 50), 1), 1000);
      const offset = Math.max(Math.trunc(p.offset ?? 0), 0);
      try {
        const { rows, total } = await queries.searchClients(db, { terms: parsed.terms, onlineNodeIds: p.onlineOnly ? agents.liveNodeIds() : undefined, offset, limit });
        const online = await agents.online(rows.map((r) => r.clientId));
        return { items: rows.map((r) => toClientSummary(r, online.has(r.clientId))), total };
      } catch (err) {
        // A regex PostgreSQL cannot compile is the user's input, not a server fault.
        if (/regular expression/i.test((err as Error).message)) throw new ServiceError("bad_request", "invalid regular expression in the search");
        throw err;
      }
    },

    async searchIds(actor: Principal, query: string): Promise<string[]> {
      requirePermission(actor, "READ_RESULTS");
      const parsed = parseClientSearch(String(query ?? ""), () => recent.get(actor.username) ?? []);
      if (!parsed.ok) throw new ServiceError("bad_request", parsed.message);
      return queries.searchClientIds(db, { terms: parsed.terms, limit: 100_000 });
    },

    async get(actor: Principal, clientId: string, opts: { view?: boolean } = {}): Promise<ClientSummary> {
      requirePermission(actor, "READ_RESULTS");
      const row = await mustGet(clientId);
      if (opts.view) remember(actor.username, clientId);
      return toClientSummary(row, (await agents.online([clientId])).has(clientId));
    },

    async labelsInUse(actor: Principal) {
      requirePermission(actor, "READ_RESULTS");
      return queries.labelCounts(db);
    },
  };
}
