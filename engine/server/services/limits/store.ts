// Role limits as stored: read through a short-lived cache (a change on another process reaches
// this one over the bus at once, and within CACHE_MS when a bus message is lost), and set by
// administrators with an audit entry carrying the old and new values.
import { queries } from "@/drizzle";
import { isRole, ROLES } from "@/engine/server/auth/roles";
import { requirePermission, ServiceError, type Principal, type RoleLimits, type RoleLimitsChange } from "@/engine/server/contracts";
import { DEFAULT_ROLE_LIMITS, FALLBACK_LIMITS, LIMIT_BOUNDS } from "./defaults";
import type { LimitsDeps } from "./start";

const CACHE_MS = 5_000;
export const LIMITS_CHANGED = "role-limits-changed";

export function startLimitsStore(deps: LimitsDeps) {
  const db = deps.database.db;
  let cache: { at: number; byRole: Map<string, RoleLimits> } | undefined;
  let loading: Promise<Map<string, RoleLimits>> | undefined;

  async function load(): Promise<Map<string, RoleLimits>> {
    if (cache && Date.now() - cache.at < CACHE_MS) return cache.byRole;
    loading ??= (async () => {
      try {
        const rows = await queries.listRoleLimits(db);
        const byRole = new Map<string, RoleLimits>();
        for (const r of rows) byRole.set(r.role, { role: r.role, maxTimeoutSeconds: r.maxTimeoutSeconds, maxRows: r.maxRows, maxConcurrent: r.maxConcurrent, updatedBy: r.updatedBy, updatedAt: r.updatedAt });
        cache = { at: Date.now(), byRole };
        return byRole;
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  }

  async function forRole(role: string): Promise<RoleLimits> {
    const stored = (await load()).get(role);
    if (stored) return stored;
    return { role, ...(DEFAULT_ROLE_LIMITS[role] ?? FALLBACK_LIMITS), updatedBy: null, updatedAt: null };
  }

  function check(name: keyof RoleLimitsChange, v: unknown): number {
    const b = LIMIT_BOUNDS[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < b.min || v > b.max) throw new ServiceError("bad_request", `\`${name}\` must be a whole number from ${b.min.toLocaleString("en-US")} to ${b.max.toLocaleString("en-US")}`);
    return v;
  }

  return {
    forRole,
    invalidate() {
      cache = undefined;
    },
    async list(actor: Principal): Promise<RoleLimits[]> {
      requirePermission(actor, "SERVER_ADMIN");
      return Promise.all(ROLES.map((r) => forRole(r)));
    },
    async set(actor: Principal, role: string, change: RoleLimitsChange): Promise<RoleLimits> {
      requirePermission(actor, "SERVER_ADMIN");
      if (!isRole(role)) throw new ServiceError("bad_request", `\`${role}\` is not a role; roles are ${ROLES.join(", ")}`);
      const next = { maxTimeoutSeconds: check("maxTimeoutSeconds", change.maxTimeoutSeconds), maxRows: check("maxRows", change.maxRows), maxConcurrent: check("maxConcurrent", change.maxConcurrent) };
      const before = await forRole(role);
      await queries.setRoleLimits(db, { role, ...next, by: actor.username, at: deps.clock.now() });
      cache = undefined;
      deps.bus.broadcast(LIMITS_CHANGED, { role });
      const old = { maxTimeoutSeconds: before.maxTimeoutSeconds, maxRows: before.maxRows, maxConcurrent: before.maxConcurrent };
      await deps.audit.record(actor, "role_limits_set", { role, before: old, after: next });
      return forRole(role);
    },
  };
}

export type LimitsStore = ReturnType<typeof startLimitsStore>;
