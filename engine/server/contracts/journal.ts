// The journal's contract: named event queues (every queue is named after an artifact:
// `System.Flow.Completion`, `Server.Internal.Label`, any CLIENT_EVENT / SERVER_EVENT artifact,
// `Artifact/Source`), appended to inside the caller's transaction, read with cursors. The one
// writer of the events table; services never touch it. See docs/journal.md.
import type { Db } from "@/drizzle";

/** A position in the journal, opaque to callers: `<tx>:<id>`. */
export type JournalCursor = string & { readonly __brand: "JournalCursor" };

export interface JournalEvent {
  /** Unique per event: the key for idempotent handling (delivery is at least once). */
  id: number;
  /** Where this event sits: subscribe({from: cursor}) resumes after it. */
  cursor: JournalCursor;
  queue: string;
  at: Date;
  /** The client the event is about (`C.…`), or `server`. */
  clientId: string;
  payload: Record<string, unknown>;
}

/** Events of one queue as they come; `ready` resolves once its starting point is fixed. */
export interface JournalSubscription extends AsyncIterable<JournalEvent> {
  /**
   * For "now": appends issued after this resolves are delivered. (subscribe() fixes "now" with a
   * query of its own; an append issued before that query runs may be counted as before it.)
   */
  ready: Promise<void>;
}

/** Where a subscription starts: events after now, from the oldest kept, after a cursor, or from a time. */
export type SubscribeFrom = "now" | "start" | JournalCursor | Date;

export interface AppendOptions {
  /** Default client id of the rows (`server` when absent). */
  clientId?: string;
  /** The caller's transaction: the events commit (and wake subscribers) with it, or not at all. */
  tx?: Db;
}

export interface JournalConsumer {
  readonly name: string;
  readonly queue: string;
  /**
   * Hands batches of events to `handler` until `signal` aborts, each batch in a transaction
   * that also advances this consumer's stored cursor: state written through `tx` commits with
   * the cursor (exactly once); anything else the handler does happens at least once (use the
   * event id). A throw rolls the batch back; it is retried after a pause. Two processes
   * running the same consumer take turns batch by batch, never handling one event twice. The
   * handler may return a function to run once the batch has committed (to announce what it
   * wrote: a reader told earlier could read before the commit).
   */
  run(handler: (events: JournalEvent[], tx: Db) => Promise<void | (() => void)>, opts: { signal: AbortSignal; batchSize?: number }): Promise<void>;
}

/**
 * A stored cursor its user advances after handling each event outside any transaction: at
 * least once delivery to the outside world (webhooks) without holding a connection meanwhile.
 */
export interface JournalCheckpoint {
  readonly name: string;
  readonly queue: string;
  /** Up to `limit` events after those it returned last (at first: after the stored cursor), waiting until there is one ([] when `signal` aborts). */
  next(opts: { limit: number; signal: AbortSignal }): Promise<JournalEvent[]>;
  /** Stores the cursor past this event (handled): a restart resumes after it. */
  commit(event: JournalEvent): Promise<void>;
}

export interface Journal {
  /** Appends rows to a queue; returns the stored events (memory-only queues: ids are 0). */
  append(queue: string, rows: Array<Record<string, unknown>>, opts?: AppendOptions): Promise<JournalEvent[]>;
  /** Appends rows that each name their own client, to one queue, in one write. */
  appendFor(queue: string, items: Array<{ clientId: string; row: Record<string, unknown> }>, opts?: { tx?: Db }): Promise<JournalEvent[]>;
  /**
   * The queue's events from `from` (default "now") until `signal` aborts, in journal order. A
   * slow reader falls behind and catches up from the table: it never loses an event and never
   * makes a writer wait. Memory-only queues deliver only what arrives while subscribed.
   */
  subscribe(queue: string, opts: { from?: SubscribeFrom; signal: AbortSignal; clientId?: string }): JournalSubscription;
  /** A durable consumer: its cursor is stored, so it resumes after the last batch it handled. */
  consumer(name: string, queue: string, opts?: { initial?: "now" | "start" }): JournalConsumer;
  /** A checkpoint: a stored cursor advanced by its user, event by event, outside transactions. */
  checkpoint(name: string, queue: string, opts?: { initial?: "now" | "start" }): JournalCheckpoint;
  /** Stored events by time, newest first unless `oldestFirst` (history views, VQL readers). */
  history(
    queue: string,
    p: {
      clientId?: string;
      start?: Date;
      end?: Date;
      limit: number;
      offset?: number;
      oldestFirst?: boolean;
      /** With oldestFirst: the events after this one (the last of the previous page), instead of an offset. */
      after?: Pick<JournalEvent, "cursor" | "at" | "id">;
    },
  ): Promise<JournalEvent[]>;
  /** False for memory-only INTERNAL queues (relayed between processes, never stored). */
  isStored(queue: string): boolean;
  /** Days the queue's events are kept (0: until deleted). */
  retentionDays(queue: string): number;
  /** Creates partitions ahead and drops expired ones now; the journal also runs it hourly under a lease. */
  maintain(): Promise<{ created: string[]; dropped: string[] }>;
}
