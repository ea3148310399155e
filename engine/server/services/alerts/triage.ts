// Triage: status (new → acknowledged → resolved or false positive, and back), assignee and
// comments, each an activity row and an audit record, in one transaction with the change.
// Needs ALERT_TRIAGE; an assignee must be an existing user.
import { queries } from "@/drizzle";
import {
  ALERT_STATUSES,
  requirePermission,
  ServiceError,
  type AccountsService,
  type AlertChange,
  type AlertId,
  type AuditService,
  type Principal,
  type ServiceDeps,
} from "@/engine/server/contracts";

export interface AlertTriageDeps extends ServiceDeps {
  audit: AuditService;
  accounts: Pick<AccountsService, "principalFor">;
}

const MAX_COMMENT = 10_000;

export function alertTriage(deps: AlertTriageDeps) {
  const db = deps.database.db;
  return async function update(actor: Principal, id: AlertId, change: AlertChange): Promise<{ changed: boolean }> {
    requirePermission(actor, "ALERT_TRIAGE");
    if (change.status !== undefined && !(ALERT_STATUSES as readonly string[]).includes(change.status)) {
      throw new ServiceError("bad_request", `status must be one of ${ALERT_STATUSES.join(", ")}`);
    }
    const comment = change.comment?.trim();
    if (comment && comment.length > MAX_COMMENT) throw new ServiceError("bad_request", `a comment is at most ${MAX_COMMENT} characters`);
    if (change.assignee) {
      const user = await deps.accounts.principalFor(change.assignee);
      if (!user) throw new ServiceError("bad_request", `no active user ${change.assignee} to assign the alert to`);
    }
    const at = deps.clock.now();
    const audit: Array<Record<string, unknown>> = [];
    const changed = await queries.inTransaction(db, async (tx) => {
      const a = await queries.getAlertForUpdate(tx, id);
      if (!a) throw new ServiceError("not_found", `no alert ${id}`);
      const activity: Parameters<typeof queries.updateAlertTriage>[2]["activity"] = [];
      const set: { status?: string; assignee?: string | null } = {};
      if (change.status !== undefined && change.status !== a.status) {
        set.status = change.status;
        activity.push({ at, actor: actor.username, kind: "status", fromValue: a.status, toValue: change.status, text: "" });
        audit.push({ alert: id, name: a.name, status: change.status, from: a.status });
      }
      if (change.assignee !== undefined && (change.assignee || null) !== a.assignee) {
        set.assignee = change.assignee || null;
        activity.push({ at, actor: actor.username, kind: "assignee", fromValue: a.assignee, toValue: change.assignee || null, text: "" });
        audit.push({ alert: id, name: a.name, assignee: change.assignee || null });
      }
      if (comment) {
        activity.push({ at, actor: actor.username, kind: "comment", fromValue: null, toValue: null, text: comment });
        audit.push({ alert: id, name: a.name, comment: true });
      }
      if (!activity.length) return false;
      await queries.updateAlertTriage(tx, id, { ...set, at, activity });
      return true;
    });
    for (const d of audit) await deps.audit.record(actor, "alert_update", d);
    return { changed };
  };
}
