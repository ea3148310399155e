// The agents connected to this process, by client id (AgentConnections for the services).
// A newer connection for the same client replaces the older one.
import type { WebSocket } from "ws";
import type { ServerToAgent } from "../../protocol";
import type { AgentConnections } from "../services/types";
import { sendTo } from "./codec";

export interface AgentSession {
  clientId: string;
  ws: WebSocket;
  ip: string;
  connectedAt: number;
  lastMessageAt: number;
}

export interface ConnectionRegistry extends AgentConnections {
  attach(session: AgentSession): AgentSession | undefined;
  detach(session: AgentSession): void;
  sessions(): IterableIterator<AgentSession>;
  /** Called when an agent connects or disconnects (live UI updates). */
  onChange?: (clientId: string, online: boolean) => void;
}

export function createConnectionRegistry(): ConnectionRegistry {
  const byId = new Map<string, AgentSession>();
  const registry: ConnectionRegistry = {
    attach(session) {
      const old = byId.get(session.clientId);
      byId.set(session.clientId, session);
      registry.onChange?.(session.clientId, true);
      return old;
    },
    detach(session) {
      if (byId.get(session.clientId) === session) {
        byId.delete(session.clientId);
        registry.onChange?.(session.clientId, false);
      }
    },
    sessions: () => byId.values(),
    send(clientId, message: ServerToAgent) {
      const s = byId.get(clientId);
      return s ? sendTo(s.ws, message) : false;
    },
    isConnected: (clientId) => byId.has(clientId),
    connectedIds: () => [...byId.keys()],
    count: () => byId.size,
  };
  return registry;
}
