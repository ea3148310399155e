// The outbox on disk: messages appended as JSON lines to segment files (a new segment every
// few MB), the acknowledged seq in a small file replaced atomically. A segment is deleted once
// every message in it is acknowledged. On start, unacknowledged messages are read back and the
// seq continues after the highest one seen, so a restarted agent never reuses a seq.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FlowMessage } from "../../protocol";
import { MemoryOutbox } from "./outbox";

const SEGMENT_BYTES = 8 * 1024 * 1024;

interface Segment {
  path: string;
  lastSeq: number;
  bytes: number;
}

export class FileOutbox extends MemoryOutbox {
  private segments: Segment[] = [];
  private ackTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    capacityBytes?: number,
  ) {
    super(capacityBytes);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.load();
  }

  private load() {
    let acked = 0;
    try {
      acked = Number(readFileSync(join(this.dir, "acked"), "utf8").trim()) || 0;
    } catch {
      // first run
    }
    const messages: FlowMessage[] = [];
    let maxSeq = acked;
    for (const name of readdirSync(this.dir).filter((n) => /^seg-\d+\.jsonl$/.test(n)).sort()) {
      const path = join(this.dir, name);
      const text = readFileSync(path, "utf8");
      let last = 0;
      for (const line of text.split("\n")) {
        if (!line) continue;
        try {
          const m = JSON.parse(line) as FlowMessage;
          messages.push(m);
          last = Math.max(last, m.seq);
        } catch {
          // a line cut short by a crash: everything before it is intact
        }
      }
      maxSeq = Math.max(maxSeq, last);
      if (last <= acked) rmSync(path, { force: true });
      else this.segments.push({ path, lastSeq: last, bytes: text.length });
    }
    this.restore(messages, acked);
    this.seq = Math.max(this.seq, maxSeq);
  }

  protected override persist(message: FlowMessage): void {
    let seg = this.segments[this.segments.length - 1];
    if (!seg || seg.bytes > SEGMENT_BYTES) {
      seg = { path: join(this.dir, `seg-${String(message.seq).padStart(12, "0")}.jsonl`), lastSeq: 0, bytes: 0 };
      this.segments.push(seg);
    }
    const line = JSON.stringify(message) + "\n";
    appendFileSync(seg.path, line, { mode: 0o600 });
    seg.lastSeq = message.seq;
    seg.bytes += line.length;
  }

  protected override persistAck(seq: number): void {
    while (this.segments.length && this.segments[0]!.lastSeq <= seq && (this.segments.length > 1 || this.size() === 0)) {
      rmSync(this.segments.shift()!.path, { force: true });
    }
    // The acked file may lag a little: a stale value only makes the agent resend messages the
    // server then drops as duplicates. An ack still arriving after close() is not written.
    if (this.closed) return;
    this.ackTimer ??= setTimeout(() => {
      this.ackTimer = undefined;
      this.writeAcked();
    }, 200);
  }

  private closed = false;

  private writeAcked() {
    const tmp = join(this.dir, "acked.tmp");
    writeFileSync(tmp, String(this.ackedSeq));
    renameSync(tmp, join(this.dir, "acked"));
  }

  override async close(): Promise<void> {
    this.closed = true;
    if (this.ackTimer) {
      clearTimeout(this.ackTimer);
      this.ackTimer = undefined;
    }
    this.writeAcked();
  }
}
