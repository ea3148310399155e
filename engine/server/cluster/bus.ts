// Messages between the processes sharing the database, over PostgreSQL NOTIFY: one channel
// every process listens on (broadcast) and one per process. Messages queued together to one
// channel travel in one packet; a packet over the NOTIFY limit (8,000 bytes) is stored in
// cluster_relay and only its id is notified. One sender loop sends packets one after another,
// and each receiver handles a sender's packets in order, so messages from one process arrive in
// the order it sent them. Best effort: a process whose listen connection is down misses them.
import { queries, type Database } from "@/drizzle";
import type { Bus, BusHandler, ClusterNode, NodeId } from "@/engine/server/contracts";
import type { Clock, Logger } from "@/engine/server/contracts";

const BROADCAST = "talon_bus";
const MAX_NOTIFY_BYTES = 7_900;

type Packet = { o: NodeId; m?: Array<[string, unknown]>; r?: number };

export function channelOf(node: NodeId): string {
  return `talon_bus_${node.replace(/[^A-Za-z0-9]/g, "").toLowerCase()}`;
}

export interface StartedBus extends Bus {
  /** Resolves when everything queued so far has been sent. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBus(deps: { database: Database; node: ClusterNode; clock: Clock; log: Logger }): Promise<StartedBus> {
  const { database, node, log } = deps;
  const handlers = new Map<string, Set<BusHandler>>();
  let outgoing: Array<{ channel: string; topic: string; payload: unknown }> = [];
  let sending: Promise<void> | undefined;
  const chains = new Map<string, Promise<void>>();

  async function deliver(packet: Packet) {
    let messages = packet.m;
    if (packet.r !== undefined) {
      const stored = (await queries.getRelay(database.db, packet.r)) as { m?: Array<[string, unknown]> } | undefined;
      messages = stored?.m;
      if (!messages) return log.warn("a relayed cluster message is gone (older than its retention?)", { relay: packet.r });
    }
    for (const [topic, payload] of messages ?? []) {
      for (const h of handlers.get(topic) ?? []) {
        try {
          await h(payload, packet.o);
        } catch (err) {
          log.error("cluster message handler failed", { topic, error: (err as Error).message });
        }
      }
    }
  }

  function onNotify(payload: string) {
    let packet: Packet;
    try {
      packet = JSON.parse(payload) as Packet;
    } catch {
      return;
    }
    if (!packet || packet.o === node.nodeId) return;
    const next = (chains.get(packet.o) ?? Promise.resolve()).then(() => deliver(packet)).catch((err) => log.warn("could not read a cluster message", { error: (err as Error).message }));
    chains.set(packet.o, next);
    void next.then(() => {
      if (chains.get(packet.o) === next) chains.delete(packet.o);
    });
  }

  const stops = [await database.listen(BROADCAST, onNotify), await database.listen(channelOf(node.nodeId), onNotify)];

  async function sendPacket(channel: string, messages: Array<[string, unknown]>) {
    const text = JSON.stringify({ o: node.nodeId, m: messages } satisfies Packet);
    if (Buffer.byteLength(text) <= MAX_NOTIFY_BYTES) return queries.notify(database.db, channel, text);
    const id = await queries.insertRelay(database.db, { m: messages }, deps.clock.now());
    await queries.notify(database.db, channel, JSON.stringify({ o: node.nodeId, r: id } satisfies Packet));
  }

  async function sendAll() {
    while (outgoing.length) {
      const batch = outgoing;
      outgoing = [];
      // Consecutive messages to one channel share a packet, split where a packet would pass the limit.
      let i = 0;
      while (i < batch.length) {
        const channel = batch[i]!.channel;
        const messages: Array<[string, unknown]> = [];
        let bytes = 0;
        while (i < batch.length && batch[i]!.channel === channel) {
          const m: [string, unknown] = [batch[i]!.topic, batch[i]!.payload];
          const size = Buffer.byteLength(JSON.stringify(m));
          if (messages.length && bytes + size > MAX_NOTIFY_BYTES * 32) break;
          messages.push(m);
          bytes += size;
          i++;
        }
        await sendPacket(channel, messages).catch((err) => log.warn("could not send a cluster message", { channel, error: (err as Error).message }));
      }
    }
  }

  function enqueue(channel: string, topic: string, payload: unknown) {
    outgoing.push({ channel, topic, payload });
    kick();
  }

  function kick() {
    if (sending) return;
    sending = sendAll().finally(() => {
      sending = undefined;
      if (outgoing.length) kick();
    });
  }

  return {
    broadcast(topic, payload) {
      if (node.others().length) enqueue(BROADCAST, topic, payload);
    },
    send(to, topic, payload) {
      if (to === node.nodeId) return;
      enqueue(channelOf(to), topic, payload);
    },
    on(topic, handler) {
      let set = handlers.get(topic);
      if (!set) handlers.set(topic, (set = new Set()));
      set.add(handler);
      return () => set!.delete(handler);
    },
    async flush() {
      while (sending) await sending;
    },
    async stop() {
      while (sending) await sending.catch(() => {});
      for (const s of stops) await s().catch(() => {});
    },
  };
}
