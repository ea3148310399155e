// Memory-only queues (queues.ts): an append is a NOTIFY on `talon_journal_mem` carrying the
// rows (or, past the NOTIFY limit, the id of a cluster_relay row holding them), sent in the
// caller's transaction when there is one, so it is delivered when that commits and not at all
// when it rolls back. Every process, the sender included, hands each row to its subscribers of
// the queue; a subscriber more than MAX_BUFFERED rows behind loses the oldest (logged).
import { queries, type Database, type Db } from "@/drizzle";
import type { JournalCursor, JournalEvent, JournalSubscription } from "@/engine/server/contracts";
import type { Clock, Logger } from "@/engine/server/contracts";

const CHANNEL = "talon_journal_mem";
const MAX_NOTIFY_BYTES = 7_900;
const MAX_BUFFERED = 10_000;

type Packet = { q: string; e?: Array<[string, string, Record<string, unknown>]>; r?: number };

interface Subscriber {
  buffer: JournalEvent[];
  wake?: () => void;
  dropped: number;
  clientId?: string;
}

export interface MemoryQueues {
  append(db: Db, queue: string, items: Array<{ clientId: string; row: Record<string, unknown> }>, at: Date): Promise<JournalEvent[]>;
  subscribe(queue: string, opts: { signal: AbortSignal; clientId?: string }): JournalSubscription;
  stop(): Promise<void>;
}

export async function startMemoryQueues(deps: { database: Database; clock: Clock; log: Logger }): Promise<MemoryQueues> {
  const subscribers = new Map<string, Set<Subscriber>>();
  let chain = Promise.resolve();

  function deliver(queue: string, rows: Array<[string, string, Record<string, unknown>]>) {
    const subs = subscribers.get(queue);
    if (!subs) return;
    for (const [clientId, at, payload] of rows) {
      const event: JournalEvent = { id: 0, cursor: "" as JournalCursor, queue, at: new Date(at), clientId, payload };
      for (const s of subs) {
        if (s.clientId !== undefined && s.clientId !== clientId) continue;
        if (s.buffer.length >= MAX_BUFFERED) {
          s.buffer.shift();
          s.dropped++;
        }
        s.buffer.push(event);
        s.wake?.();
      }
    }
  }

  function onNotify(text: string) {
    // In order: a relayed packet is read before the next one is handled.
    chain = chain
      .then(async () => {
        const p = JSON.parse(text) as Packet;
        if (!subscribers.has(p.q)) return;
        const rows = p.r !== undefined ? ((await queries.getRelay(deps.database.db, p.r)) as Packet | undefined)?.e : p.e;
        if (rows) deliver(p.q, rows);
      })
      .catch((err) => deps.log.warn("could not read a memory-only journal event", { error: (err as Error).message }));
  }

  const unlisten = await deps.database.listen(CHANNEL, onNotify);

  return {
    async append(db, queue, items, at) {
      const rows = items.map((i): [string, string, Record<string, unknown>] => [i.clientId, at.toISOString(), i.row]);
      const text = JSON.stringify({ q: queue, e: rows } satisfies Packet);
      if (Buffer.byteLength(text) <= MAX_NOTIFY_BYTES) await queries.notify(db, CHANNEL, text);
      else {
        const id = await queries.insertRelay(db, { q: queue, e: rows }, at);
        await queries.notify(db, CHANNEL, JSON.stringify({ q: queue, r: id } satisfies Packet));
      }
      return rows.map(([clientId, , payload]) => ({ id: 0, cursor: "" as JournalCursor, queue, at, clientId, payload }));
    },

    subscribe(queue, { signal, clientId }) {
      const sub: Subscriber = { buffer: [], dropped: 0, clientId };
      let set = subscribers.get(queue);
      if (!set) subscribers.set(queue, (set = new Set()));
      set.add(sub);
      const remove = () => {
        set!.delete(sub);
        if (set!.size === 0) subscribers.delete(queue);
        sub.wake?.();
      };
      signal.addEventListener("abort", remove, { once: true });
      return {
        ready: Promise.resolve(),
        async *[Symbol.asyncIterator]() {
          try {
            while (!signal.aborted) {
              if (sub.dropped) {
                deps.log.warn("a subscriber of a memory-only queue fell behind; oldest events dropped", { queue, dropped: sub.dropped });
                sub.dropped = 0;
              }
              const next = sub.buffer.shift();
              if (next) {
                yield next;
                continue;
              }
              await new Promise<void>((resolve) => (sub.wake = resolve));
              sub.wake = undefined;
            }
          } finally {
            signal.removeEventListener("abort", remove);
            remove();
          }
        },
      };
    },

    stop: () => unlisten(),
  };
}
