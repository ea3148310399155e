// Attaching a validated agent: register its session (closing an older one of the same client),
// send the welcome with the acknowledged seq, store its presence, then let the flows service
// send or reconcile its work and the monitoring service send its event table if it runs an
// older one. Presence first: a flow created on another process from then on
// finds this process as the agent's holder, and one created before is seen by the reconcile.
import type { WebSocket } from "ws";
import { LIMITS, type Hello } from "@/engine/protocol";
import type { AgentIngress, Logger } from "@/engine/server/contracts";
import { errorFields } from "@/engine/server/log";
import { sendTo } from "./codec";
import type { AgentSession, PresenceRegistry } from "./presence";

/**
 * Registers the session and sends the welcome (synchronously, so the caller holds the session
 * before any close event can arrive); `ready` resolves once its work is reconciled.
 */
export function attachAgent(
  p: { ws: WebSocket; ip: string; hello: Hello; enrolled: boolean; ackedSeq: number },
  deps: { presence: PresenceRegistry; ingress: Pick<AgentIngress, "agentConnected" | "eventTableConnected" | "touch">; log: Logger; heartbeatMs: number; serverPublicKey?: string },
): { session: AgentSession; ready: Promise<void> } {
  const now = Date.now();
  const session: AgentSession = { clientId: p.hello.clientId, ws: p.ws, ip: p.ip, connectedAt: now, lastMessageAt: now };
  const { old, stored } = deps.presence.attach(session);
  if (old && old.ws !== p.ws) old.ws.close(4000, "replaced by a newer connection of the same client");
  sendTo(p.ws, { type: "welcome", clientId: p.hello.clientId, enrolled: p.enrolled, ackedSeq: p.ackedSeq, heartbeatMs: deps.heartbeatMs, maxMessageBytes: LIMITS.maxMessageBytes, ...(deps.serverPublicKey ? { serverPublicKey: deps.serverPublicKey } : {}) });
  deps.ingress.touch(p.hello.clientId);
  const ready = stored.then(async () => {
    await deps.ingress.agentConnected(p.hello.clientId, p.hello.inFlight);
    await deps.ingress.eventTableConnected(p.hello.clientId, p.hello.eventTableVersion).catch((err) => deps.log.warn("could not send the client event table", { clientId: p.hello.clientId, ...errorFields(err) }));
  });
  return { session, ready };
}
