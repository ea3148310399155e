// The audit service: appends who did what to the audit table. Recording never fails the
// caller's action; a storage failure is logged instead.
import { queries } from "@/drizzle";
import type { AuditEntry, AuditService, ServiceDeps } from "@/engine/server/contracts";

export function startAudit(deps: ServiceDeps): AuditService {
  const { db } = deps.database;
  return {
    async record(principal, operation, details = {}) {
      try {
        await queries.appendAudit(db, { principal: principal.username, operation, details, at: deps.clock.now() });
      } catch (err) {
        deps.log.error("audit record failed", { operation, error: (err as Error).message });
      }
    },
    async list(p) {
      const rows = await queries.listAudit(db, { ...p, limit: Math.min(Math.max(p.limit, 1), 500) });
      return rows.map(
        (r): AuditEntry => ({ id: r.id, at: r.at, principal: r.principal, operation: r.operation, details: r.details as Record<string, unknown> }),
      );
    },
  };
}
