// Attaching a validated agent: register its session (closing an older one for the same client),
// send the welcome with the acknowledged seq, and let the flows service send or reconcile work.
import type { WebSocket } from "ws";
import { LIMITS, type Hello } from "../../protocol";
import type { ClientsService, FlowsService, Logger } from "../services/types";
import { sendTo } from "./codec";
import type { AgentSession, ConnectionRegistry } from "./connections";

/**
 * Registers the session and sends the welcome (synchronously, so the caller holds the session
 * before any close event can arrive), then lets the flows service reconcile; await `ready`.
 */
export function attachAgent(
  p: { ws: WebSocket; ip: string; hello: Hello; enrolled: boolean; ackedSeq: number },
  deps: { registry: ConnectionRegistry; flows: Pick<FlowsService, "agentConnected">; clients: Pick<ClientsService, "touch">; log: Logger; heartbeatMs: number },
): { session: AgentSession; ready: Promise<void> } {
  const now = Date.now();
  const session: AgentSession = { clientId: p.hello.clientId, ws: p.ws, ip: p.ip, connectedAt: now, lastMessageAt: now };
  const old = deps.registry.attach(session);
  if (old && old.ws !== p.ws) old.ws.close(4000, "replaced by a newer connection of the same client");
  sendTo(p.ws, { type: "welcome", clientId: p.hello.clientId, enrolled: p.enrolled, ackedSeq: p.ackedSeq, heartbeatMs: deps.heartbeatMs, maxMessageBytes: LIMITS.maxMessageBytes });
  deps.clients.touch(p.hello.clientId);
  return { session, ready: deps.flows.agentConnected(p.hello.clientId, p.hello.inFlight) };
}
