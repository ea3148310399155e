// A pool of query workers (worker_threads), shared by the server's query isolation
// (engine/server/vql/isolation) and the agent's (engine/client/isolation): each names its own
// entry module, data and messages. Up to `size` idle workers kept warm, and while
// runs hold workers one spare idle one besides (so a burst does not wait for a worker's start),
// up to `max` running at once (more runs wait), each with a heap limit (resourceLimits). A worker that was
// terminated, crashed or ran out of memory is never reused; one that ended a run with a large
// heap is retired so its memory goes back. The pool owns every worker it made: close() ends them.
import { SHARE_ENV, Worker } from "node:worker_threads";

/** Every worker's first message once it has loaded its engine. */
export interface ReadyMessage {
  type: "ready";
}

export interface WorkerPoolOptions<Data> {
  /** The worker's entry module (an .mjs that loads the TypeScript through tsx). */
  entry: URL;
  /** Idle workers kept warm. */
  size: number;
  /** Idle workers kept besides the running ones, started as runs take workers (default 1). */
  spare?: number;
  /** Workers running at once; more runs wait for one. */
  max: number;
  /** Each worker's old-generation heap limit, in MB. */
  heapMb: number;
  /** A worker whose heap is above this after a run is retired (bytes). */
  retireHeapBytes: number;
  data: Data;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export class PooledWorker<To, From extends { type: string }> {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  /** The version of the data runs send only when it changed that this worker has (the server's repository snapshot). */
  artifactsVersion = -1;
  /** Set once the worker exited (terminated, crashed, out of memory). */
  exited = false;
  /** Set once it has loaded the engine and can take a run at once. */
  isReady = false;
  exitError: Error | undefined;
  private listener: ((m: From) => void) | undefined;
  private exitListener: ((err: Error | undefined) => void) | undefined;

  constructor(o: WorkerPoolOptions<unknown>) {
    // The environment is shared, not copied: builtins read settings from it (TALON_HTTP_CLIENT_ALLOW...) as they did on the main thread.
    this.worker = new Worker(o.entry, { workerData: o.data, env: SHARE_ENV, resourceLimits: { maxOldGenerationSizeMb: o.heapMb }, execArgv: [] });
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      const early = (m: From) => {
        if (m.type === "ready") {
          this.isReady = true;
          resolve();
        }
      };
      this.worker.on("message", (m: From) => {
        early(m);
        this.listener?.(m);
      });
      this.worker.once("error", (err) => {
        this.exitError = err;
        reject(err);
      });
      this.worker.once("exit", () => {
        this.exited = true;
        reject(this.exitError ?? new Error("the query worker exited"));
        this.exitListener?.(this.exitError);
      });
    });
    this.ready.catch(() => undefined);
  }

  post(m: To): void {
    if (!this.exited) this.worker.postMessage(m);
  }

  /** Routes this worker's messages and its exit to one run. */
  attach(onMessage: ((m: From) => void) | undefined, onExit: ((err: Error | undefined) => void) | undefined): void {
    this.listener = onMessage;
    this.exitListener = onExit;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export class WorkerPool<Data, To, From extends { type: string }> {
  private readonly idle: Array<PooledWorker<To, From>> = [];
  private readonly waiting: Array<{ resolve: (w: PooledWorker<To, From>) => void; reject: (e: unknown) => void; signal?: AbortSignal }> = [];
  private running = 0;
  private closed = false;
  private readonly all = new Set<PooledWorker<To, From>>();

  constructor(readonly options: WorkerPoolOptions<Data>) {}

  private spawn(): PooledWorker<To, From> {
    const w = new PooledWorker<To, From>(this.options);
    this.all.add(w);
    w.worker.once("exit", () => {
      this.all.delete(w);
      const i = this.idle.indexOf(w);
      if (i >= 0) this.idle.splice(i, 1);
    });
    return w;
  }

  /**
   * Starts idle workers up to the pool's size, or `n` (so the first queries do not wait for
   * one), and keeps `spare` idle ones besides the running ones, within `max`.
   */
  warm(n = this.options.size): void {
    const want = Math.min(n, this.options.size);
    const spare = this.running > 0 ? (this.options.spare ?? 1) : 0;
    while (!this.closed && (this.idle.length + this.running < want || this.idle.length < spare) && this.idle.length + this.running < this.options.max) {
      this.idle.push(this.spawn());
    }
  }

  /** Resolves once the idle workers started so far are ready (or failed to start). */
  async warmed(): Promise<void> {
    await Promise.all(this.idle.map((w) => w.ready.catch(() => undefined)));
  }

  /** The idle worker used last (its code is compiled and hot), preferring one that is ready. */
  private takeIdle(): PooledWorker<To, From> | undefined {
    for (let i = this.idle.length - 1; i >= 0; i--) if (this.idle[i]!.isReady) return this.idle.splice(i, 1)[0];
    return this.idle.shift();
  }

  /** A ready worker for one run (release it after). */
  async acquire(signal?: AbortSignal): Promise<PooledWorker<To, From>> {
    if (this.closed) throw new Error("the query service has stopped");
    let w: PooledWorker<To, From>;
    if (this.running < this.options.max) {
      this.running++;
      w = this.takeIdle() ?? this.spawn();
      this.warm();
    } else {
      w = await new Promise<PooledWorker<To, From>>((resolve, reject) => {
        const entry = { resolve, reject, signal };
        this.waiting.push(entry);
        signal?.addEventListener(
          "abort",
          () => {
            const i = this.waiting.indexOf(entry);
            if (i >= 0) this.waiting.splice(i, 1);
            reject(signal.reason);
          },
          { once: true },
        );
      });
    }
    try {
      await w.ready;
      return w;
    } catch (err) {
      // It failed to start: give the slot back.
      this.release(w, false);
      throw err;
    }
  }

  /** Gives a worker back: kept idle when healthy and wanted, else terminated (and replaced when needed). */
  release(w: PooledWorker<To, From>, healthy: boolean, heapBytes = 0): void {
    w.attach(undefined, undefined);
    const keep = healthy && !w.exited && !this.closed && heapBytes <= this.options.retireHeapBytes;
    if (!keep && !w.exited) void w.terminate().catch(() => undefined);
    const next = this.waiting.shift();
    if (next) {
      next.resolve(keep ? w : this.spawn());
      return;
    }
    this.running--;
    if (keep && this.idle.length < Math.max(this.options.size, this.running > 0 ? (this.options.spare ?? 1) : 0)) this.idle.push(w);
    else if (keep) void w.terminate().catch(() => undefined);
    else if (!this.closed) this.warm();
  }

  get stats(): { idle: number; running: number; waiting: number; workers: number } {
    return { idle: this.idle.length, running: this.running, waiting: this.waiting.length, workers: this.all.size };
  }

  /** Ends every worker (the engine stops). */
  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.waiting.splice(0)) q.reject(new Error("the query service has stopped"));
    await Promise.all([...this.all].map((w) => w.terminate().catch(() => 0)));
    this.idle.length = 0;
  }
}
