// A query worker's view of the agent's diagnostics (logs, queries, metrics, rekey): each method
// a call to the main thread (session.ts answers from the source's context), so logging() and
// profile() read the agent's log and rekey() reaches its connection, not this thread's.
import type { MessagePort } from "node:worker_threads";
import type { ProcessDiagnostics } from "@/engine/endpoint/diagnostics/diagnostics";
import type { DiagMethod, FromAgentWorker, ToAgentWorker } from "./protocol";

export class DiagClient {
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(private readonly port: MessagePort) {}

  /** Handles `diag-reply`; false for any other message. */
  onMessage(m: ToAgentWorker): boolean {
    if (m.type !== "diag-reply") return false;
    const p = this.pending.get(m.call);
    this.pending.delete(m.call);
    if (m.ok) p?.resolve(m.value);
    else p?.reject(new Error(m.error));
    return true;
  }

  /** The diagnostics of run `id`. */
  diagnostics(id: number): ProcessDiagnostics {
    const call = <T>(method: DiagMethod, args: number[] = []) =>
      new Promise<T>((resolve, reject) => {
        const c = this.next++;
        this.pending.set(c, { resolve: resolve as (v: unknown) => void, reject });
        this.port.postMessage({ type: "diag", id, call: c, method, args } satisfies FromAgentWorker);
      });
    return {
      component: "client",
      logs: (after) => call("logs", [after ?? 0]),
      queries: () => call("queries"),
      metrics: () => call("metrics"),
      rekey: (wait) => call("rekey", [wait]),
      serverPublicKey: () => call("serverPublicKey"),
    };
  }
}
