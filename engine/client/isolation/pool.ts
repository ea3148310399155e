// The agent's pool of query workers: the shared pool (engine/vql-isolation/worker-pool.ts) with
// the agent's worker (worker-entry.mjs → worker.ts), as many workers as the configuration says,
// all kept warm, a source waiting for one when all are busy.
import { WorkerPool, type PooledWorker } from "@/engine/vql-isolation/worker-pool";
import type { ProtectedPath } from "@/engine/endpoint/builtins/protected-paths";
import type { AgentIsolationConfig } from "./config";
import type { AgentWorkerData, FromAgentWorker, ToAgentWorker } from "./protocol";

const ENTRY = new URL("./worker-entry.mjs", import.meta.url);

/** The worker's entry: the agent bundle (engine/cli/agent-bundle.ts) names its own file, which is also the worker. */
function workerEntry(): URL {
  return (globalThis as { __talonAgentWorkerEntry?: URL }).__talonAgentWorkerEntry ?? ENTRY;
}

export type AgentQueryWorker = PooledWorker<ToAgentWorker, FromAgentWorker>;
export type AgentWorkerPool = WorkerPool<AgentWorkerData, ToAgentWorker, FromAgentWorker>;

/** `sizing`: the event queries' pool starts workers only as queries come (size 0, no spare) and holds at most `max`. */
export function createAgentWorkerPool(c: AgentIsolationConfig, protect?: readonly ProtectedPath[], sizing?: { size: number; max: number; spare: number }): AgentWorkerPool {
  const size = Math.max(1, c.workers);
  return new WorkerPool<AgentWorkerData, ToAgentWorker, FromAgentWorker>({
    entry: workerEntry(),
    size: sizing?.size ?? size,
    max: sizing?.max ?? size,
    spare: sizing?.spare ?? 1,
    heapMb: c.heapMb,
    retireHeapBytes: c.retireHeapMb * 1024 * 1024,
    data: { ...(protect ? { protect: protect.map((p) => ({ pattern: p.pattern, reason: p.reason })) } : {}) },
  });
}
