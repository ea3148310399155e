// The agent's outbox: every flow message gets the next seq and waits here until the server
// acknowledges it, so a dropped connection or a server restart loses nothing (the agent resends)
// and duplicates nothing (the server drops seqs it has stored). Bounded: append() waits while the
// outbox holds capacityBytes, which pauses the query producing the rows. MemoryOutbox keeps
// messages in memory only (pool mode); FileOutbox (file-outbox.ts) also writes them to disk so
// an agent restart keeps them.
import type { FlowMessage } from "../../protocol";

type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type OutgoingMessage = Without<FlowMessage, "seq">;

export interface Outbox {
  readonly lastSeq: number;
  readonly ackedSeq: number;
  /** Adds a message with the next seq; waits while the outbox is full. */
  append(m: OutgoingMessage, signal?: AbortSignal): Promise<FlowMessage>;
  /** Unacknowledged messages with seq > after, oldest first, at most max. */
  pending(after: number, max: number): FlowMessage[];
  /** The server stored everything up to seq. */
  ack(seq: number): void;
  /** The server has stored more than this outbox ever numbered (state lost): number above it. */
  raiseSeq(seq: number): void;
  /** Flows that still have unacknowledged messages. */
  flowsWithPending(): string[];
  bytes(): number;
  size(): number;
  /** Called after each append (the sender wakes up). */
  onAppend(listener: () => void): () => void;
  close(): Promise<void>;
}

interface Entry {
  message: FlowMessage;
  bytes: number;
}

export class MemoryOutbox implements Outbox {
  protected entries: Entry[] = [];
  private head = 0;
  private total = 0;
  protected seq = 0;
  protected acked = 0;
  private listeners = new Set<() => void>();
  private waiters: Array<() => void> = [];

  constructor(readonly capacityBytes = 64 * 1024 * 1024) {}

  get lastSeq() {
    return this.seq;
  }
  get ackedSeq() {
    return this.acked;
  }

  async append(m: OutgoingMessage, signal?: AbortSignal): Promise<FlowMessage> {
    const text = JSON.stringify(m);
    const bytes = text.length + 20;
    while (this.total + bytes > this.capacityBytes && this.size() > 0) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          signal?.removeEventListener("abort", abort);
          resolve();
        };
        const abort = () => {
          this.waiters = this.waiters.filter((w) => w !== done);
          reject(signal!.reason ?? new Error("aborted"));
        };
        this.waiters.push(done);
        signal?.addEventListener("abort", abort, { once: true });
      });
    }
    const message = { ...m, seq: ++this.seq } as FlowMessage;
    this.entries.push({ message, bytes });
    this.total += bytes;
    this.persist(message);
    for (const l of this.listeners) l();
    return message;
  }

  pending(after: number, max: number): FlowMessage[] {
    const out: FlowMessage[] = [];
    for (let i = this.head; i < this.entries.length && out.length < max; i++) {
      const e = this.entries[i]!;
      if (e.message.seq > after) out.push(e.message);
    }
    return out;
  }

  ack(seq: number): void {
    if (seq <= this.acked) return;
    this.acked = seq;
    while (this.head < this.entries.length && this.entries[this.head]!.message.seq <= seq) {
      this.total -= this.entries[this.head]!.bytes;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    this.persistAck(seq);
    for (const w of this.waiters.splice(0)) w();
  }

  raiseSeq(seq: number): void {
    if (seq > this.seq && this.size() === 0) {
      this.seq = seq;
      this.acked = Math.max(this.acked, seq);
      this.persistAck(this.acked);
    }
  }

  flowsWithPending(): string[] {
    const set = new Set<string>();
    for (let i = this.head; i < this.entries.length; i++) {
      const m = this.entries[i]!.message;
      if ("flowId" in m && m.flowId) set.add(m.flowId);
    }
    return [...set];
  }

  bytes() {
    return this.total;
  }
  size() {
    return this.entries.length - this.head;
  }

  onAppend(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {}

  /** Restores messages loaded from storage (FileOutbox). */
  protected restore(messages: FlowMessage[], acked: number) {
    this.acked = acked;
    this.seq = acked;
    for (const message of messages) {
      if (message.seq <= acked) continue;
      const bytes = JSON.stringify(message).length + 20;
      this.entries.push({ message, bytes });
      this.total += bytes;
      this.seq = Math.max(this.seq, message.seq);
    }
  }

  protected persist(_message: FlowMessage): void {}
  protected persistAck(_seq: number): void {}
}
