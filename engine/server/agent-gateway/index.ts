// The agent gateway: the `/api/ws/agent` WebSocket route (auth "agent": agents authenticate in
// the protocol) and the registry of connected agents the services use. Upgrades are admitted
// while the sockets that have not said hello stay under their caps (overall and per address).
// Idle agents (no message for three heartbeats) are dropped by one sweep.
import { setInterval as every } from "node:timers/promises";
import { LIMITS } from "../../protocol";
import type { Logger } from "@/engine/server/contracts";
import type { WsRoute } from "../ws/router";
import { createAdmission, type Admission, type AdmissionLimits } from "./admission";
import type { PresenceRegistry } from "./presence";
import { handleAgentConnection, type GatewayDeps } from "./loop";

export { createPresence, type PresenceRegistry, type AgentSession } from "./presence";
export { identityProblem } from "./validate";
export type { AdmissionLimits } from "./admission";

/** Defaults of TALON_AGENT_UNAUTHENTICATED_MAX and TALON_AGENT_UNAUTHENTICATED_PER_ADDRESS. */
export const DEFAULT_ADMISSION: AdmissionLimits = { max: 1000, perAddress: 32 };

export function createAgentGateway(
  deps: Omit<GatewayDeps, "heartbeatMs" | "admission"> & { heartbeatMs?: number; unauthenticated?: Partial<AdmissionLimits>; signal: AbortSignal },
): WsRoute & { admission: Admission } {
  const heartbeatMs = deps.heartbeatMs ?? LIMITS.heartbeatMs;
  const admission = createAdmission({ ...DEFAULT_ADMISSION, ...defined(deps.unauthenticated) });
  const full: GatewayDeps = { ...deps, limits: defined(deps.limits), heartbeatMs, admission };
  sweepIdle(deps.presence, heartbeatMs * 3, deps.signal);
  const logRefusal = refusalLog(deps.log);
  return {
    path: "/api/ws/agent",
    auth: "agent",
    maxPayload: (deps.limits?.maxMessageBytes ?? LIMITS.maxMessageBytes) + 1024,
    admit(req) {
      const refusal = admission.admit(req);
      if (refusal) logRefusal(refusal.reason);
      return refusal;
    },
    onConnection: (ws, req) => handleAgentConnection(ws, req, full),
    admission,
  };
}

/** The fields that are set (an unset environment variable leaves the default). */
function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/** One line per reason and 10 s, with how many upgrades it refused (a flood must not flood the log). */
function refusalLog(log: Logger) {
  const last = new Map<string, { at: number; refused: number }>();
  return (reason: string) => {
    const now = Date.now();
    const entry = last.get(reason) ?? { at: 0, refused: 0 };
    entry.refused++;
    if (now - entry.at >= 10_000) {
      log.warn("agent connections refused", { reason, refused: entry.refused });
      entry.at = now;
      entry.refused = 0;
    }
    last.set(reason, entry);
  };
}

function sweepIdle(registry: PresenceRegistry, idleMs: number, signal: AbortSignal) {
  (async () => {
    try {
      for await (const _ of every(Math.min(idleMs, 30_000), undefined, { signal })) {
        const cutoff = Date.now() - idleMs;
        for (const s of registry.sessions()) if (s.lastMessageAt < cutoff) s.ws.terminate();
      }
    } catch {
      // aborted: the engine is closing
    }
  })();
}
