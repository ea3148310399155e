// Named event queues (the journal-to-be): publish stores a row in the events table and wakes
// in-process subscribers. Subscribers get events published after they subscribed, through a
// bounded buffer each: a subscriber that falls more than MAX_BUFFERED behind loses the oldest
// events and is told so in the log (the monitoring issue adds history reads to catch up).
import { queries, type EventRecord } from "../../../../drizzle";
import { requirePermission, type EventRow, type EventsService, type ServiceDeps } from "../types";

const MAX_BUFFERED = 10_000;

function toRow(r: EventRecord): EventRow {
  return { id: r.id, queue: r.queue, at: r.at, clientId: r.clientId, payload: r.payload };
}

interface Subscriber {
  buffer: EventRow[];
  wake?: () => void;
  dropped: number;
}

export function startEvents(deps: ServiceDeps): EventsService {
  const { db } = deps.database;
  const subscribers = new Map<string, Set<Subscriber>>();

  function notifyStored(rows: EventRow[]) {
    for (const row of rows) {
      for (const s of subscribers.get(row.queue) ?? []) {
        if (s.buffer.length >= MAX_BUFFERED) {
          s.buffer.shift();
          s.dropped++;
        }
        s.buffer.push(row);
        s.wake?.();
      }
    }
  }

  async function publishMany(queue: string, items: Array<{ payload: Record<string, unknown>; clientId?: string }>) {
    const at = deps.clock.now();
    const stored = (await queries.insertEvents(db, items.map((i) => ({ queue, at, clientId: i.clientId ?? "server", payload: i.payload })))).map(toRow);
    notifyStored(stored);
    return stored;
  }

  return {
    async publish(queue, payload, opts = {}) {
      const [row] = await publishMany(queue, [{ payload, clientId: opts.clientId }]);
      return row!;
    },
    publishMany,
    notifyStored,

    subscribe(queue, { signal }) {
      const sub: Subscriber = { buffer: [], dropped: 0 };
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
        async *[Symbol.asyncIterator]() {
          try {
            while (!signal.aborted) {
              if (sub.dropped) {
                deps.log.warn("event subscriber fell behind; oldest events dropped", { queue, dropped: sub.dropped });
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

    async list(actor, p) {
      requirePermission(actor, "READ_RESULTS");
      const rows = await queries.listEvents(db, { queue: p.queue, clientId: p.clientId, since: p.since, limit: Math.min(Math.max(p.limit ?? 100, 1), 10_000) });
      return rows.map(toRow);
    },
  };
}
