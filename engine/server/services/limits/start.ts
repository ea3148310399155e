// The limits service: role limits (stored, cached, set by administrators) and the per-user run
// slots that notebook cells and the query API take before running VQL. A change of a role's
// limits applies to the next run and to runs still waiting (their queues are re-checked).
import type { AuditService, Bus, ClusterNode, LimitsService, ServiceDeps } from "@/engine/server/contracts";
import { LIMITS_CHANGED, startLimitsStore } from "./store";
import { startRunSlots } from "./slots";

export interface LimitsDeps extends ServiceDeps {
  audit: AuditService;
  bus: Bus;
  node: Pick<ClusterNode, "nodeId" | "liveNodeIds">;
}

export interface StartedLimits extends LimitsService {
  /** For tests: runs waiting for a slot on this process, per user. */
  waiting(username: string): number;
}

export function startLimits(deps: LimitsDeps, signal: AbortSignal): StartedLimits {
  const store = startLimitsStore(deps);
  const slots = startRunSlots(deps, (p) => store.forRole(p.role), signal);
  deps.bus.on(LIMITS_CHANGED, () => {
    store.invalidate();
    slots.kickAll();
  });
  return {
    list: store.list,
    async set(actor, role, change) {
      const saved = await store.set(actor, role, change);
      slots.kickAll();
      return saved;
    },
    forPrincipal: (p) => store.forRole(p.role),
    tryAcquire: slots.tryAcquire,
    acquire: slots.acquire,
    waiting: slots.waiting,
  };
}
