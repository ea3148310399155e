// Permission denials in server VQL (a builtin refused for a permission the principal lacks,
// VQL3004) become `VqlPermissionDenied` audit entries: someone probing for what they may do is
// worth knowing about. Rate-limited per user so a loop (or a script hammering the query API)
// cannot flood the audit log: one entry per user, builtin and permission a minute, at most
// PER_USER_PER_MINUTE entries per user a minute; what was held back is counted in the next
// entry (`suppressed`). The evaluator's own repeat suppression already bounds one run.
import type { AuditService, Clock, Principal } from "@/engine/server/contracts";
import type { QueryOrigin } from "@/engine/server/contracts/alerts";

export const DENIAL_WINDOW_MS = 60_000;
export const PER_USER_PER_MINUTE = 10;
/** Users remembered at once (older windows are forgotten first). */
const MAX_USERS = 10_000;

interface UserWindow {
  start: number;
  recorded: number;
  suppressed: number;
  seen: Set<string>;
}

export interface DenialAudit {
  /** Notes one denial; records it unless the user's allowance for the minute is used up. */
  note(principal: Principal, denied: { builtin: string; permission: string }, origin?: QueryOrigin): Promise<void>;
}

export function createDenialAudit(audit: Pick<AuditService, "record">, clock: Clock): DenialAudit {
  const windows = new Map<string, UserWindow>();
  return {
    async note(principal, denied, origin) {
      const t = clock.now().getTime();
      let w = windows.get(principal.username);
      if (!w || t - w.start >= DENIAL_WINDOW_MS) {
        const carried = w?.suppressed ?? 0;
        windows.delete(principal.username);
        if (windows.size >= MAX_USERS) windows.delete(windows.keys().next().value!);
        w = { start: t, recorded: 0, suppressed: carried, seen: new Set() };
        windows.set(principal.username, w);
      }
      const key = `${denied.builtin}\u0000${denied.permission}`;
      if (w.seen.has(key) || w.recorded >= PER_USER_PER_MINUTE) {
        w.suppressed++;
        return;
      }
      w.seen.add(key);
      w.recorded++;
      const details: Record<string, unknown> = { builtin: denied.builtin, permission: denied.permission };
      if (origin?.notebookId) details.notebook = origin.notebookId;
      if (origin?.cellId) details.cell = origin.cellId;
      if (origin?.artifact) details.artifact = origin.artifact;
      if (w.suppressed) details.suppressed = w.suppressed;
      w.suppressed = 0;
      // The audit service logs its own failures; a denial never fails the query.
      await audit.record(principal, "VqlPermissionDenied", details);
    },
  };
}
