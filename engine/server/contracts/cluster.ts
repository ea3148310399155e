// The cluster seam's contract: this process among the others sharing the database (its node
// id and slot, which others are alive), leases for singleton work, a message bus between
// processes, and ids unique across them. Present and used with one process too. See
// docs/cluster.md.
import type { FlowId } from "../../protocol";

/** A Talon process: `P.` + random, new at every start. */
export type NodeId = string & { readonly __brand: "NodeId" };

export interface ClusterNode {
  readonly nodeId: NodeId;
  /** 0..1023, unique among live processes (ids embed it). May change after a lost database session. */
  slot(): number;
  /** Live processes, this one included (refreshed every second). */
  liveNodeIds(): NodeId[];
  /** Live processes other than this one. */
  others(): NodeId[];
  isLive(nodeId: string): boolean;
  /** Re-reads which processes are alive now. */
  refresh(): Promise<void>;
}

export interface Leases {
  /**
   * Runs `work` whenever this process holds the lease `name`: at most one process at a time
   * runs it. Waits for the lease (a holder that dies is replaced within a few seconds), runs
   * work with a signal that aborts when the lease is lost or `signal` aborts, and after work
   * returns or throws, waits for the lease again. Resolves when `signal` aborts.
   */
  hold(name: string, work: (signal: AbortSignal) => Promise<void>, signal: AbortSignal): Promise<void>;
  /** Whether this process holds the lease now. */
  isHeld(name: string): boolean;
}

export type BusHandler = (payload: unknown, from: NodeId) => void | Promise<void>;

/**
 * Best-effort messages between processes over PostgreSQL NOTIFY (payloads over 7,900 bytes go
 * through a table). Ordered per sender. Never delivered to the sending process; dropped when
 * no other process is alive. For what must not be lost, use the journal.
 */
export interface Bus {
  broadcast(topic: string, payload: unknown): void;
  send(to: NodeId, topic: string, payload: unknown): void;
  on(topic: string, handler: BusHandler): () => void;
}

/** Ids unique across every process on the database (they embed the process's slot). */
export interface IdSource {
  flowId(): FlowId;
  notebookId(): string;
  cellId(): string;
  huntId(): string;
  /** An alert inbox entry: `A.` + 13 base32. */
  alertId(): string;
}
