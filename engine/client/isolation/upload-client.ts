// upload() inside an agent query worker: the file is read here (the worker's own endpoint) and
// its chunks posted to the main thread, whose flow responder sends them to the server; at most
// UPLOAD_IN_FLIGHT chunks wait unacknowledged. The main thread answers with the upload's size
// and hash, or the responder's refusal (the flow's upload budget), which stops the reading.
import type { MessagePort } from "node:worker_threads";
import type { FlowResponder } from "../responder/responder";
import type { FromAgentWorker, ToAgentWorker } from "./protocol";

export const UPLOAD_IN_FLIGHT = 4;

type Result = Awaited<ReturnType<FlowResponder["upload"]>>;

interface Open {
  sent: number;
  acked: number;
  failed: boolean;
  wake?: () => void;
  resolve: (r: Result) => void;
  reject: (e: Error) => void;
}

export class UploadClient {
  private next = 1;
  private readonly open = new Map<number, Open>();

  constructor(private readonly port: MessagePort) {}

  /** The responder a worker's builtins see for one run: upload() only. */
  responder(runId: number): Pick<FlowResponder, "upload"> {
    return { upload: (name, chunks, artifact) => this.upload(runId, name, chunks, artifact ?? "") };
  }

  private post(m: FromAgentWorker) {
    this.port.postMessage(m);
  }

  private async upload(runId: number, name: string, chunks: AsyncIterable<Uint8Array>, artifact: string): Promise<Result> {
    const upload = this.next++;
    let resolve!: (r: Result) => void;
    let reject!: (e: Error) => void;
    const result = new Promise<Result>((res, rej) => ((resolve = res), (reject = rej)));
    result.catch(() => undefined);
    const u: Open = { sent: 0, acked: 0, failed: false, resolve, reject };
    this.open.set(upload, u);
    this.post({ type: "upload-open", id: runId, upload, name, artifact });
    try {
      for await (const data of chunks) {
        while (!u.failed && u.sent - u.acked >= UPLOAD_IN_FLIGHT) await new Promise<void>((r) => (u.wake = r));
        if (u.failed) break;
        this.post({ type: "upload-chunk", upload, data });
        u.sent++;
      }
      if (!u.failed) this.post({ type: "upload-end", upload });
    } catch (err) {
      this.post({ type: "upload-abort", upload, error: (err as Error)?.message ?? String(err) });
      this.open.delete(upload);
      throw err;
    }
    try {
      return await result;
    } finally {
      this.open.delete(upload);
    }
  }

  /** Handles the main thread's acks and answers; false for other messages. */
  onMessage(m: ToAgentWorker): boolean {
    if (m.type !== "upload-ack" && m.type !== "upload-done") return false;
    const u = this.open.get(m.upload);
    if (!u) return true;
    if (m.type === "upload-ack") u.acked += m.n;
    else if (m.ok) u.resolve(m.result);
    else {
      u.failed = true;
      u.reject(new Error(m.error));
    }
    const wake = u.wake;
    u.wake = undefined;
    wake?.();
    return true;
  }
}
