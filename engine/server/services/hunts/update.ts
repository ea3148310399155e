// Changing hunts: start/stop, description and expiry (ModifyHunt), deletion (DeleteHunt), and
// adding a client by hand (hunt_add: whatever the hunt's conditions and state). Starting sets
// started_at, which the manager sees as "scan the client table again" (clients already in the
// hunt are not offered it twice: the (hunt, client) key).
import { queries } from "@/drizzle";
import { HUNT_MODIFICATION_QUEUE, HUNT_PARTICIPATION_QUEUE, requirePermission, ServiceError, type CompiledCollection, type Principal } from "@/engine/server/contracts";
import { parseClientId } from "@/engine/protocol";
import type { HuntsDeps } from "./start";

const RERUN_BATCH = 1000;

export function startHuntUpdates(deps: HuntsDeps, load: (huntId: string) => ReturnType<typeof queries.getHunt>) {
  const db = deps.database.db;

  async function existing(huntId: string) {
    const h = await load(huntId);
    if (!h) throw new ServiceError("not_found", `no hunt ${huntId}`);
    return h;
  }

  return {
    async update(actor: Principal, huntId: string, p: { state?: "RUNNING" | "STOPPED"; description?: string; expires?: Date; addTags?: string[]; delTags?: string[] }) {
      requirePermission(actor, "COLLECT_CLIENT");
      if (p.state === "RUNNING") requirePermission(actor, "START_HUNT");
      const h = await existing(huntId);
      const now = deps.clock.now();
      const set: Parameters<typeof queries.updateHunt>[2] = {};
      if (p.description !== undefined) set.description = p.description;
      // Velociraptor's hunt_update(add_labels, del_labels): the hunt's own labels (its tags).
      if (p.addTags?.length || p.delTags?.length) {
        const del = new Set((p.delTags ?? []).map((t) => t.toLowerCase()));
        const tags = h.tags.filter((t) => !del.has(t.toLowerCase()));
        for (const t of p.addTags ?? []) if (t.trim() && !tags.some((x) => x.toLowerCase() === t.trim().toLowerCase())) tags.push(t.trim());
        set.tags = tags;
      }
      if (p.expires !== undefined) {
        if (p.expires.getTime() <= now.getTime()) throw new ServiceError("bad_request", "a hunt's expiry must be in the future");
        set.expiresAt = p.expires;
      }
      if (p.state === "RUNNING" && h.state !== "RUNNING") {
        if ((set.expiresAt ?? h.expiresAt).getTime() <= now.getTime()) throw new ServiceError("bad_request", "the hunt has expired: set a later expiry to start it");
        // Each start gets a later started_at than the last (even within one clock tick): a start
        // scan is due whenever scanned_for differs from it, so a restart always rescans.
        const startedAt = new Date(Math.max(now.getTime(), (h.startedAt?.getTime() ?? 0) + 1));
        Object.assign(set, { state: "RUNNING", startedAt, stoppedAt: null, stopReason: "" });
      }
      if (p.state === "STOPPED" && h.state !== "STOPPED") Object.assign(set, { state: "STOPPED", stoppedAt: now, stopReason: `stopped by ${actor.username}` });
      if (Object.keys(set).length) {
        await queries.inTransaction(db, async (tx) => {
          await queries.updateHunt(tx, h.huntId, set);
          await deps.journal.append(HUNT_MODIFICATION_QUEUE, [{ Timestamp: now.toISOString(), HuntId: h.huntId, Mutation: { state: set.state, description: set.description, expires: set.expiresAt?.toISOString(), tags: set.tags } }], { tx });
        });
      }
      await deps.audit.record(actor, "ModifyHunt", { hunt_id: h.huntId, ...p, expires: p.expires?.toISOString() });
    },

    async delete(actor: Principal, huntId: string) {
      requirePermission(actor, "DELETE_RESULTS");
      const h = await existing(huntId);
      await queries.inTransaction(db, async (tx) => {
        await queries.deleteHunt(tx, h.huntId);
        await deps.journal.append(HUNT_MODIFICATION_QUEUE, [{ Timestamp: deps.clock.now().toISOString(), HuntId: h.huntId, Mutation: { deleted: true } }], { tx });
      });
      await deps.audit.record(actor, "DeleteHunt", { hunt_id: h.huntId });
    },

    /** Clients in these states (error) get a new flow in the same hunt, back to running; the flows start after the move commits (a crash in between is the manager's lost-flow recovery). */
    async rerun(actor: Principal, huntId: string, p: { states?: Array<"error"> } = {}) {
      requirePermission(actor, "START_HUNT");
      const h = await existing(huntId);
      const states = [...new Set(p.states?.length ? p.states : (["error"] as const))];
      if (states.some((s) => s !== "error")) throw new ServiceError("bad_request", "only clients in error can be re-run");
      const at = deps.clock.now();
      const moved = await queries.inTransaction(db, async (tx) => {
        const m = await queries.rerunHuntClients(tx, { huntId: h.huntId, states, at, flowIdFor: () => `${deps.ids.flowId()}.H` });
        if (m.length) await deps.journal.appendFor(HUNT_PARTICIPATION_QUEUE, m.map((x) => ({ clientId: x.clientId, row: { Timestamp: at.toISOString(), HuntId: h.huntId, ClientId: x.clientId, Rerun: true } })), { tx });
        return m;
      });
      for (let i = 0; i < moved.length; i += RERUN_BATCH) await deps.flows.collectCompiled(h.request as CompiledCollection, moved.slice(i, i + RERUN_BATCH));
      await deps.audit.record(actor, "HuntRerun", { hunt_id: h.huntId, states, relaunched: moved.length });
      return moved.length;
    },

    async addClient(actor: Principal, huntId: string, clientId: string, opts: { relaunch?: boolean } = {}) {
      requirePermission(actor, "START_HUNT");
      const h = await existing(huntId);
      const id = parseClientId(clientId);
      if (!id) throw new ServiceError("bad_request", `\`${clientId}\` is not a client id (C. followed by 16 hex digits)`);
      if (!(await queries.getClient(db, id))) throw new ServiceError("not_found", `no client ${id}`);
      const hosts = await deps.clients.serverHostIds([id]);
      if (hosts.size && !actor.permissions.has("COLLECT_SERVER")) throw new ServiceError("forbidden", `${id} is the server's own host: collecting from it needs the COLLECT_SERVER permission`);
      const at = deps.clock.now();
      const flowId = `${deps.ids.flowId()}.H`;
      const added = await queries.inTransaction(db, async (tx) => {
        const inserted = await queries.addHuntClients(tx, { huntId: h.huntId, clientIds: [id], at });
        const ok = inserted.length > 0 || (opts.relaunch === true && (await queries.requeueHuntClient(tx, { huntId: h.huntId, clientId: id, at })));
        if (ok) await queries.startHuntClient(tx, { huntId: h.huntId, clientId: id, flowId, at });
        if (ok) await deps.journal.appendFor(HUNT_PARTICIPATION_QUEUE, [{ clientId: id, row: { Timestamp: at.toISOString(), HuntId: h.huntId, ClientId: id, Override: true } }], { tx });
        return ok;
      });
      if (added) await deps.flows.collectCompiled(h.request as CompiledCollection, [{ clientId: id, flowId }]);
      await deps.audit.record(actor, "HuntAddClient", { hunt_id: h.huntId, client_id: id, relaunch: Boolean(opts.relaunch), added });
      return added;
    },
  };
}

