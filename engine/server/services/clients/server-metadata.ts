// The server's own metadata (server_metadata(), server_set_metadata(), the admin API): free
// key/value strings server artifacts read their webhook tokens and API keys from. SERVER_ADMIN
// for reading and writing, as in Velociraptor. Values are secrets more often than not: errors,
// the audit record and the journal event carry keys only.
import { queries } from "@/drizzle";
import {
  METADATA_QUEUE,
  requirePermission,
  SERVER_METADATA_CLIENT_ID,
  ServiceError,
  type AuditService,
  type Journal,
  type Principal,
  type ServerMetadataEntry,
  type ServiceDeps,
} from "@/engine/server/contracts";

const MAX_KEY = 200;
const MAX_VALUE = 100_000;
const MAX_KEYS = 1000;

/** The keys to write and to delete, validated; the last mention of a key wins and `remove` wins over `set`. */
export function planServerMetadataChange(set: Array<[string, string | null]>, remove: string[]): { set: Array<[string, string]>; remove: string[] } {
  const values = new Map<string, string>();
  const drop = new Set<string>();
  const key = (k: unknown): string => {
    if (typeof k !== "string" || !k.trim() || k.length > MAX_KEY || /[\u0000-\u001f\u007f]/.test(k)) {
      throw new ServiceError("bad_request", `a server metadata key is 1 to ${MAX_KEY} printable characters`);
    }
    return k;
  };
  for (const [k, v] of set ?? []) {
    const name = key(k);
    if (v === null || v === undefined) {
      values.delete(name);
      drop.add(name);
      continue;
    }
    const value = String(v);
    // The message names the key, never the value.
    if (value.length > MAX_VALUE) throw new ServiceError("bad_request", `the value of server metadata key \`${name}\` is longer than ${MAX_VALUE} characters`);
    drop.delete(name);
    values.set(name, value);
  }
  for (const k of remove ?? []) {
    const name = key(k);
    values.delete(name);
    drop.add(name);
  }
  if (values.size + drop.size > MAX_KEYS) throw new ServiceError("bad_request", `at most ${MAX_KEYS} server metadata keys change at once`);
  return { set: [...values], remove: [...drop] };
}

export function startServerMetadata(deps: ServiceDeps & { audit: AuditService; journal: Pick<Journal, "append"> }) {
  const { db } = deps.database;
  const { audit, journal } = deps;

  return {
    async serverMetadata(actor: Principal): Promise<ServerMetadataEntry[]> {
      requirePermission(actor, "SERVER_ADMIN");
      return (await queries.getServerMetadata(db)).map((r): ServerMetadataEntry => [r.key, r.value]);
    },

    async setServerMetadata(actor: Principal, set: Array<[string, string | null]>, remove: string[] = []): Promise<string[]> {
      requirePermission(actor, "SERVER_ADMIN");
      const plan = planServerMetadataChange(set, remove);
      if (!plan.set.length && !plan.remove.length) return [];
      const changed = await queries.inTransaction(db, async (tx) => {
        const keys = await queries.updateServerMetadata(tx, { ...plan, principal: actor.username, at: deps.clock.now() });
        if (keys.length) await journal.append(METADATA_QUEUE, [{ client_id: SERVER_METADATA_CLIENT_ID, principal: actor.username, updated_keys: keys }], { tx });
        return keys;
      });
      // Velociraptor audits a change only when a key changed, and only its name.
      if (changed.length) await audit.record(actor, "SetMetadata", { client_id: SERVER_METADATA_CLIENT_ID, updated_keys: changed });
      return changed;
    },
  };
}
