// The server's pool of query workers: the shared pool (engine/vql-isolation/worker-pool.ts)
// with the server's worker (worker-entry.mjs → worker.ts), its data and its messages.
import { WorkerPool, type PooledWorker, type WorkerPoolOptions } from "@/engine/vql-isolation/worker-pool";
import type { FromWorker, ToWorker } from "./protocol";
import type { QueryWorkerData } from "./worker";

const ENTRY = new URL("./worker-entry.mjs", import.meta.url);

export type PoolOptions = Omit<WorkerPoolOptions<QueryWorkerData>, "entry">;
export type QueryWorker = PooledWorker<ToWorker, FromWorker>;

export class QueryWorkerPool extends WorkerPool<QueryWorkerData, ToWorker, FromWorker> {
  constructor(o: PoolOptions) {
    super({ ...o, entry: ENTRY });
  }
}
