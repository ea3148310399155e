// The agent gateway: the `/api/ws/agent` WebSocket route (auth "agent": agents authenticate in
// the protocol) and the registry of connected agents the services use. Idle agents (no message
// for three heartbeats) are dropped by one sweep.
import { setInterval as every } from "node:timers/promises";
import { LIMITS } from "../../protocol";
import type { WsRoute } from "../ws/router";
import type { PresenceRegistry } from "./presence";
import { handleAgentConnection, type GatewayDeps } from "./loop";

export { createPresence, type PresenceRegistry, type AgentSession } from "./presence";
export { identityProblem } from "./validate";

export function createAgentGateway(deps: Omit<GatewayDeps, "heartbeatMs"> & { heartbeatMs?: number; signal: AbortSignal }): WsRoute {
  const heartbeatMs = deps.heartbeatMs ?? LIMITS.heartbeatMs;
  const full: GatewayDeps = { ...deps, heartbeatMs };
  sweepIdle(deps.presence, heartbeatMs * 3, deps.signal);
  return {
    path: "/api/ws/agent",
    auth: "agent",
    maxPayload: (deps.limits?.maxMessageBytes ?? LIMITS.maxMessageBytes) + 1024,
    onConnection: (ws, req) => handleAgentConnection(ws, req, full),
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
