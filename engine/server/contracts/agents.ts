// Connected agents, seen from the services: which process holds each agent's socket (any
// process on the database), sending to agents held here, and the gateway's entry points into
// the clients and flows services (AgentIngress; only the agent gateway calls them).
import type { FlowMessage, ServerToAgent } from "../../protocol";

/** Agents connected to any process sharing the database. Implemented by the agent gateway. */
export interface AgentPresence {
  /** Connected to this process now. */
  isLocal(clientId: string): boolean;
  /** Sends to an agent connected to this process; false when it is not connected here. */
  sendLocal(clientId: string, message: ServerToAgent): boolean;
  /** Which of these clients are connected to some live process. */
  online(clientIds: string[]): Promise<Set<string>>;
  /** Agents connected to some live process. */
  count(): Promise<number>;
  /** Agents connected to this process. */
  localCount(): number;
  /** Client ids of the agents connected to this process. */
  localClientIds(): string[];
  /** Node ids of the live processes (presence rows of others are stale). */
  liveNodeIds(): string[];
  /** Closes the agent's socket if it is connected to this process (its key was revoked); false when it is not. */
  disconnectLocal(clientId: string, reason: string): boolean;
}

export type AgentHelloResult =
  | { ok: true; enrolled: boolean; ackedSeq: number }
  | { ok: false; code: "bad-token" | "bad-identity" | "busy" | "revoked" | "rekey-required"; message: string };

/** What the agent gateway calls; not part of any service's public interface. */
export interface AgentIngress {
  /**
   * Authenticates (and on first contact enrols) an agent whose signature was verified.
   * `derived`: the client id derives from the key (required to enrol; a known client's stored
   * key is what counts, and a re-keyed client's new key does not derive its id).
   */
  agentHello(p: { clientId: string; publicKey: string; derived: boolean; token?: string; agentName: string; agentVersion: string; ip: string }): Promise<AgentHelloResult>;
  /** The agent was heard from (batched into one update every few seconds). */
  touch(clientId: string): void;
  /** The agent (re)connected and reports the flows it still has; call after its presence is stored. */
  agentConnected(clientId: string, inFlight: string[]): Promise<void>;
  /** The agent (re)connected running this client event table version (undefined: none). */
  eventTableConnected(clientId: string, version: string | undefined): Promise<void>;
  /** Queues a flow message for storage; resolves with the seq stored (for the ack). */
  receive(clientId: string, message: FlowMessage): Promise<number>;
}
