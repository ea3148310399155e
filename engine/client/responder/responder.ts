// A flow's way back to the server: rows batched per source (by count, size and time), log lines
// batched, uploads cut into pieces, and statuses — all appended to the outbox in the order they
// happen, so a source's rows always precede its status and the flow's final status comes last.
import { createHash } from "node:crypto";
import { LIMITS, type AlertMessage, type LogEntry, type SourceStatusMessage } from "../../protocol";
import type { Outbox, OutgoingMessage } from "../connection/outbox";

export interface ResponderOptions {
  maxBatchRows?: number;
  targetBatchBytes?: number;
  /** Rows wait at most this long before being sent. */
  maxWaitMs?: number;
  signal?: AbortSignal;
}

export interface PendingRows {
  artifact: string;
  columns: string[];
  rows: Record<string, unknown>[];
  bytes: number;
}

export class FlowResponder {
  private pending: PendingRows | undefined;
  private logs: LogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private uploads = 0;
  private uploadedBytes = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly maxRows: number;
  private readonly maxBytes: number;
  private maxWaitMs: number;

  constructor(
    private readonly outbox: Outbox,
    readonly flowId: string,
    private readonly o: ResponderOptions & { maxUploadBytes?: number } = {},
  ) {
    this.maxRows = o.maxBatchRows ?? LIMITS.maxBatchRows;
    this.maxBytes = o.targetBatchBytes ?? LIMITS.targetBatchBytes;
    this.maxWaitMs = o.maxWaitMs ?? 1000;
  }

  /** Queues a row; the returned promise waits when the outbox is full (back-pressure). */
  async row(artifact: string, columns: string[], row: Record<string, unknown>, size?: number): Promise<void> {
    if (this.pending && this.pending.artifact !== artifact) await this.flushRows();
    const bytes = size ?? JSON.stringify(row).length;
    if (this.pending && this.pending.bytes + bytes > this.maxBytes) await this.flushRows();
    const p = (this.pending ??= { artifact, columns: [], rows: [], bytes: 0 });
    for (const c of columns) if (!p.columns.includes(c)) p.columns.push(c);
    p.rows.push(row);
    p.bytes += bytes;
    if (p.rows.length >= this.maxRows || p.bytes >= this.maxBytes) await this.flushRows();
    else this.arm();
  }

  log(level: LogEntry["level"], message: string, artifact?: string): void {
    this.logs.push({ time: Date.now(), level, message: message.slice(0, 10_000), ...(artifact ? { artifact } : {}) });
    if (this.logs.length >= 500) void this.enqueue(() => this.flushLogs());
    else this.arm();
  }

  /**
   * Sends an alert at once, in its own message (rows still batched wait their turn behind it;
   * the outbox acks and resends it like any other message, so it arrives exactly once).
   */
  async alert(artifact: string, a: { name: string; severity: string; eventData: Record<string, unknown>; time: number }): Promise<void> {
    const alert = { time: a.time, name: a.name.slice(0, 500), severity: a.severity as AlertMessage["alerts"][number]["severity"], event_data: a.eventData };
    await this.append(this.alertMessage(artifact, [alert]));
    if (this.logsAlerts) this.log("INFO", `Alert ${alert.name} raised`, artifact);
  }

  async sourceStatus(s: Omit<SourceStatusMessage, "type" | "seq" | "flowId">): Promise<void> {
    await this.flush();
    await this.append({ type: "source-status", flowId: this.flowId, ...s });
  }

  async flowStatus(state: "running" | "finished" | "error" | "timeout" | "cancelled", error?: string): Promise<void> {
    await this.flush();
    await this.append({ type: "flow-status", flowId: this.flowId, state, time: Date.now(), ...(error ? { error: error.slice(0, 10_000) } : {}) });
  }

  /**
   * Sends a file in pieces; returns its size and SHA-256. Refuses (throws) when the flow's
   * upload budget would be exceeded.
   */
  async upload(name: string, chunks: AsyncIterable<Uint8Array>, artifact?: string): Promise<{ uploadId: string; size: number; sha256: string }> {
    await this.flush();
    const uploadId = `U${++this.uploads}`;
    const hash = createHash("sha256");
    let offset = 0;
    let buf = Buffer.alloc(0);
    const limit = this.o.maxUploadBytes ?? Number.MAX_SAFE_INTEGER;
    const sendPiece = async (data: Buffer, eof?: { size: number; sha256: string }) => {
      await this.append({ type: "upload", flowId: this.flowId, uploadId, name, offset, data: data.toString("base64"), ...(eof ? { eof } : {}), ...(artifact ? { artifact } : {}) });
      offset += data.length;
    };
    for await (const chunk of chunks) {
      this.o.signal?.throwIfAborted();
      if (this.uploadedBytes + offset + buf.length + chunk.length > limit) throw new Error(`the upload of ${name} goes over the collection's upload limit of ${limit} bytes`);
      hash.update(chunk);
      buf = buf.length ? Buffer.concat([buf, chunk]) : Buffer.from(chunk);
      while (buf.length >= LIMITS.uploadChunkBytes) {
        await sendPiece(buf.subarray(0, LIMITS.uploadChunkBytes));
        buf = buf.subarray(LIMITS.uploadChunkBytes);
      }
    }
    const sha256 = hash.digest("hex");
    const size = offset + buf.length;
    await sendPiece(buf, { size, sha256 });
    this.uploadedBytes += size;
    return { uploadId, size, sha256 };
  }

  /** Changes how long rows and log lines wait to be sent together (from the next batch on). */
  setMaxWait(ms: number): void {
    this.maxWaitMs = ms;
  }

  /** Sends whatever is batched. */
  flush(): Promise<void> {
    return this.enqueue(async () => {
      await this.flushRowsNow();
      await this.flushLogs();
    });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm() {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => {});
    }, this.maxWaitMs);
  }

  private flushRows(): Promise<void> {
    return this.enqueue(() => this.flushRowsNow());
  }

  private async flushRowsNow() {
    const p = this.pending;
    if (!p || !p.rows.length) return;
    this.pending = undefined;
    await this.outbox.append(this.rowsMessage(p), this.o.signal);
  }

  private async flushLogs() {
    if (!this.logs.length) return;
    const m = this.logMessage(this.logs.splice(0, 1000));
    if (m) await this.outbox.append(m);
    if (this.logs.length) await this.flushLogs();
  }

  /** The message a batch of rows is sent as (event queries send `events`). */
  protected rowsMessage(p: PendingRows): OutgoingMessage {
    return { type: "rows", flowId: this.flowId, artifact: p.artifact, columns: p.columns, rows: p.rows };
  }

  /** A collection's log notes each alert it raised (an event query's would grow without end). */
  protected readonly logsAlerts: boolean = true;

  /** The message alerts are sent as (event queries send no flowId). */
  protected alertMessage(artifact: string, alerts: AlertMessage["alerts"]): OutgoingMessage {
    return { type: "alert", flowId: this.flowId, artifact, alerts };
  }

  /** The message a batch of log lines is sent as (event queries send `event-log`). */
  protected logMessage(entries: LogEntry[]): OutgoingMessage | undefined {
    return { type: "log", flowId: this.flowId, entries };
  }

  private async append(m: Parameters<Outbox["append"]>[0]) {
    await this.enqueue(() => this.outbox.append(m));
  }

  /** Serialises outbox writes of this flow so their order is the order of the calls. */
  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => {});
    return next;
  }
}
