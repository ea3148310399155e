// Labels and metadata: case-insensitive, trimmed labels; every change audited and recorded on
// Server.Internal.Label (one event per client and label, as Velociraptor does) in the same
// transaction as the change; metadata changes on Server.Internal.MetadataModifications.
import { queries } from "@/drizzle";
import { LABEL_QUEUE, METADATA_QUEUE, requirePermission, ServiceError, type AuditService, type Journal, type Principal, type ServiceDeps } from "@/engine/server/contracts";

const MAX_LABEL = 100;

export function cleanLabels(labels: string[]): string[] {
  const out = new Map<string, string>();
  for (const raw of labels) {
    const l = String(raw ?? "").trim();
    if (!l) continue;
    if (l.length > MAX_LABEL) throw new ServiceError("bad_request", `a label has at most ${MAX_LABEL} characters`);
    if (!out.has(l.toLowerCase())) out.set(l.toLowerCase(), l);
  }
  return [...out.values()];
}

export function startLabels(
  deps: ServiceDeps & { audit: AuditService; journal: Pick<Journal, "append" | "appendFor"> },
  mustGet: (clientId: string) => Promise<{ labels: string[]; metadata: Record<string, string> }>,
) {
  const { db } = deps.database;
  const { audit, journal } = deps;

  return {
    async label(actor: Principal, clientIds: string[], labels: string[], op: "set" | "remove") {
      requirePermission(actor, "LABEL_CLIENT");
      if (op !== "set" && op !== "remove") throw new ServiceError("bad_request", "op must be set or remove");
      const clean = cleanLabels(labels);
      const ids = [...new Set(clientIds.map(String))];
      if (!clean.length || !ids.length) return;
      const at = deps.clock.now();
      await queries.inTransaction(db, async (tx) => {
        const missing = op === "set" ? await queries.missingClients(tx, ids) : [];
        if (missing.length) throw new ServiceError("not_found", `no client ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ` (and ${missing.length - 3} more)` : ""}`);
        const changed = op === "set" ? await queries.addClientLabels(tx, ids, clean, at) : await queries.removeClientLabels(tx, ids, clean, at);
        await journal.appendFor(
          LABEL_QUEUE,
          changed.map((c) => ({ clientId: c.clientId, row: { client_id: c.clientId, Operation: op === "set" ? "Add" : "Remove", Label: c.label } })),
          { tx },
        );
      });
      await audit.record(actor, op === "set" ? "SetClientLabel" : "RemoveClientLabel", { client_ids: ids.slice(0, 100), clients: ids.length, labels: clean });
    },

    async hasLabels(actor: Principal, clientId: string, labels: string[]) {
      requirePermission(actor, "READ_RESULTS");
      const have = new Set((await mustGet(clientId)).labels.map((l) => l.toLowerCase()));
      return cleanLabels(labels).every((l) => have.has(l.toLowerCase()));
    },

    async metadata(actor: Principal, clientId: string) {
      requirePermission(actor, "READ_RESULTS");
      return (await mustGet(clientId)).metadata;
    },

    async setMetadata(actor: Principal, clientId: string, set: Record<string, string>, remove: string[]) {
      if (!actor.permissions.has("COLLECT_CLIENT") && !actor.permissions.has("SERVER_ADMIN")) {
        throw new ServiceError("forbidden", "this needs the COLLECT_CLIENT permission");
      }
      const values: Record<string, string> = {};
      for (const [k, v] of Object.entries(set ?? {})) {
        const key = k.trim();
        if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(key)) throw new ServiceError("bad_request", `invalid metadata key \`${k}\``);
        values[key] = v === null || v === undefined ? "" : String(v);
      }
      const updated = await queries.inTransaction(db, async (tx) => {
        const u = await queries.updateClientMetadata(tx, clientId, values, (remove ?? []).map(String));
        if (u) await journal.append(METADATA_QUEUE, [{ client_id: clientId, Set: values, Remove: remove ?? [] }], { clientId, tx });
        return u;
      });
      if (!updated) throw new ServiceError("not_found", `no client ${clientId}`);
      await audit.record(actor, "SetMetadata", { client_id: clientId, set: Object.keys(values), remove });
      return updated;
    },
  };
}
