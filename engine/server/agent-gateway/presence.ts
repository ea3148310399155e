// Which process holds each agent's socket. This process's sessions are kept here by client id
// (a newer connection of a client replaces its older one); each attach and detach is also
// written to agent_presence, in batches by one writer, so every process can answer "is this
// client online" (a row of a live process) and knows where to send a client's work. The
// writer stores an attach before the flows service reconciles the agent's work (see
// AgentIngress.agentConnected), which is what lets a flow created on another process reach an
// agent that is connecting right then. Every 30 s, and after the cluster session comes back,
// every local session is written again (a process that seemed dead may have had its rows
// cleared).
import { setTimeout as sleep } from "node:timers/promises";
import type { WebSocket } from "ws";
import { queries, type Database } from "@/drizzle";
import type { ServerToAgent } from "@/engine/protocol";
import type { AgentPresence, Clock, ClusterNode, LiveTopics, Logger } from "@/engine/server/contracts";
import { errorFields } from "@/engine/server/log";
import { sendTo } from "./codec";

export interface AgentSession {
  clientId: string;
  ws: WebSocket;
  ip: string;
  connectedAt: number;
  lastMessageAt: number;
}

export interface PresenceRegistry extends AgentPresence {
  /** Registers a session; `stored` resolves once its presence row is written. */
  attach(session: AgentSession): { old?: AgentSession; stored: Promise<void> };
  detach(session: AgentSession): void;
  sessions(): IterableIterator<AgentSession>;
  /** Resolves when every attach and detach so far is written. */
  flush(): Promise<void>;
  /** Removes this process's presence rows (graceful shutdown). */
  stop(): Promise<void>;
}

type Op = { kind: "attach" | "detach"; clientId: string; at: Date; done: Array<() => void> };

const REASSERT_MS = 30_000;

export function createPresence(
  deps: { database: Database; node: ClusterNode & { onRegained(l: () => void): () => void }; clock: Clock; log: Logger; live: Pick<LiveTopics, "clientChanged"> },
  signal: AbortSignal,
): PresenceRegistry {
  const db = deps.database.db;
  const nodeId = deps.node.nodeId;
  const byId = new Map<string, AgentSession>();
  // Pending writes, last op per client wins (in order of arrival).
  let pending = new Map<string, Op>();
  let writing: Promise<void> | undefined;

  async function writeAll() {
    while (pending.size) {
      const batch = [...pending.values()];
      pending = new Map();
      const attaches = batch.filter((o) => o.kind === "attach");
      const detaches = batch.filter((o) => o.kind === "detach");
      try {
        await queries.upsertPresence(db, attaches.map((o) => ({ clientId: o.clientId, nodeId, at: o.at })));
        await queries.deletePresence(db, { nodeId, clientIds: detaches.map((o) => o.clientId) });
      } catch (err) {
        deps.log.warn("could not store agent presence; it is written again within 30 s", { agents: batch.length, ...errorFields(err) });
      }
      for (const o of batch) for (const d of o.done) d();
    }
  }

  function queue(kind: Op["kind"], clientId: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const prior = pending.get(clientId);
      pending.set(clientId, { kind, clientId, at: deps.clock.now(), done: [...(prior?.done ?? []), resolve] });
      writing ??= Promise.resolve()
        .then(writeAll)
        .finally(() => (writing = undefined));
    });
  }

  async function reassert() {
    const rows = [...byId.values()].map((s) => ({ clientId: s.clientId, nodeId, at: new Date(s.connectedAt) }));
    for (let i = 0; i < rows.length; i += 5000) await queries.upsertPresence(db, rows.slice(i, i + 5000));
  }
  deps.node.onRegained(() => void reassert().catch((err) => deps.log.warn("could not re-store agent presence", { ...errorFields(err) })));
  (async () => {
    while (!signal.aborted) {
      await sleep(REASSERT_MS, undefined, { signal }).catch(() => {});
      if (!signal.aborted) await reassert().catch((err) => deps.log.warn("could not re-store agent presence", { ...errorFields(err) }));
    }
  })();

  return {
    attach(session) {
      const old = byId.get(session.clientId);
      byId.set(session.clientId, session);
      deps.live.clientChanged(session.clientId, { type: "online", online: true });
      return { old, stored: queue("attach", session.clientId) };
    },
    detach(session) {
      if (byId.get(session.clientId) !== session) return;
      byId.delete(session.clientId);
      void queue("detach", session.clientId);
      deps.live.clientChanged(session.clientId, { type: "online", online: false });
    },
    sessions: () => byId.values(),
    isLocal: (clientId) => byId.has(clientId),
    sendLocal(clientId, message: ServerToAgent) {
      const s = byId.get(clientId);
      return s ? sendTo(s.ws, message) : false;
    },
    async online(clientIds) {
      const out = new Set<string>();
      const elsewhere: string[] = [];
      for (const id of clientIds) (byId.has(id) ? out.add(id) : elsewhere.push(id));
      const others = deps.node.others();
      if (elsewhere.length && others.length) for (const id of (await queries.presenceOf(db, { clientIds: elsewhere, liveNodeIds: others })).keys()) out.add(id);
      return out;
    },
    async count() {
      const others = deps.node.others();
      return byId.size + (others.length ? await queries.countPresence(db, others) : 0);
    },
    localCount: () => byId.size,
    localClientIds: () => [...byId.keys()],
    liveNodeIds: () => deps.node.liveNodeIds(),
    disconnectLocal(clientId, reason) {
      const s = byId.get(clientId);
      if (!s) return false;
      s.ws.close(4003, reason.slice(0, 120));
      // A peer that does not answer the close handshake is cut off.
      setTimeout(() => s.ws.terminate(), 1000).unref();
      return true;
    },
    async flush() {
      while (writing) await writing;
    },
    async stop() {
      while (writing) await writing;
      await queries.deletePresenceOfNodes(db, [nodeId]).catch(() => {});
    },
  };
}
