// The process's recent log lines, kept in memory for profile(logs=TRUE), trace() and logging()
// (Velociraptor's logging.GetMemoryLogs ring). A fixed-size ring with a sequence number per
// line: push is O(1) and allocates one small object, so logging stays as fast as before;
// readers ask for the lines after a sequence number they saw. Lines come in already rendered by
// their logger, which redacts secret-looking fields (redactFields below) before they get here.

export interface LogLine {
  /** 1, 2, 3... in the order the lines were logged. */
  seq: number;
  /** ISO 8601 (lines cross thread and RPC boundaries as data). */
  time: string;
  /** INFO, WARN, ERROR, DEBUG. */
  level: string;
  msg: string;
  /** Which part logged it: `server`, `client` (the agent). */
  component: string;
}

export class LogRing {
  // Grows to `capacity` as lines come (a pool of thousands of agents, each with a ring, pays
  // only for the lines logged), then each line overwrites the oldest.
  private readonly lines: LogLine[] = [];
  private last = 0;

  constructor(readonly capacity = 1000) {}

  push(level: string, msg: string, component: string, time = new Date().toISOString()): void {
    const seq = ++this.last;
    this.lines[(seq - 1) % this.capacity] = { seq, time, level: level.toUpperCase(), msg, component };
  }

  /** The sequence number of the newest line (0 before any). */
  get seq(): number {
    return this.last;
  }

  /** Lines after `after` still in the ring, oldest first. */
  since(after = 0): LogLine[] {
    const from = Math.max(after + 1, this.last - this.capacity + 1, 1);
    const out: LogLine[] = [];
    for (let s = from; s <= this.last; s++) {
      const l = this.lines[(s - 1) % this.capacity];
      if (l && l.seq === s) out.push(l);
    }
    return out;
  }
}

const SECRET_FIELD = /pass|token|secret|key|cookie|authorization/i;

/** ` k=v ...` for a log line, with fields whose names look secret written `[redacted]`. */
export function redactFields(fields?: Record<string, unknown>): string {
  if (!fields) return "";
  let out = "";
  for (const [k, v] of Object.entries(fields)) {
    const value = SECRET_FIELD.test(k) ? "[redacted]" : typeof v === "string" ? v : JSON.stringify(v);
    out += ` ${k}=${/\s/.test(value ?? "") ? JSON.stringify(value) : value}`;
  }
  return out;
}
