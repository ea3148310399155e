// The notebook workers of this process: a queue of cell runs served by a fixed number of
// concurrent runs. Each run has its own AbortController chained to the engine's signal and a
// timeout; cancel aborts it (or drops it from the queue). A run is recorded with this process
// as its owner, and a cancel asked for on another process arrives over the bus
// ("notebook-cancel"). The queue has one owner: these methods are its only writers.
import { queries } from "@/drizzle";
import type { NotebookOptions, NotebooksDeps } from "./deps";
import { publish } from "./events";
import type { RunStatus } from "@/engine/server/contracts/notebooks";
import { executeRun, type RunJob, type StopReason } from "./run-cell";

interface Active {
  job: RunJob;
  controller: AbortController;
  reason?: StopReason;
  done: Promise<RunStatus>;
}

export interface RunQueue {
  enqueue(job: RunJob, onDone?: (status: RunStatus) => void): void;
  /** Cancels the cell's queued or running run; false when there is none. */
  cancel(cellId: string): Promise<boolean>;
  isBusy(cellId: string): boolean;
  /** Aborts every run (they end "interrupted") and waits for them to store their state. */
  stop(): Promise<void>;
}

export function startRunQueue(deps: NotebooksDeps, opts: NotebookOptions): RunQueue {
  deps.bus.on("notebook-cancel", (m) => {
    const cellId = (m as { cellId?: unknown })?.cellId;
    if (typeof cellId === "string") void queue.cancel(cellId).catch(() => {});
  });
  const waiting: { job: RunJob; onDone?: (status: RunStatus) => void }[] = [];
  const active = new Map<string, Active>();
  let stopped = false;

  function pump() {
    while (!stopped && active.size < opts.workers && waiting.length) {
      const { job, onDone } = waiting.shift()!;
      const controller = new AbortController();
      const timeout = AbortSignal.timeout(job.timeoutMs);
      const signal = AbortSignal.any([controller.signal, timeout, deps.signal]);
      const entry: Active = { job, controller, done: Promise.resolve("done") };
      const reason = (): StopReason => entry.reason ?? (timeout.aborted ? "timeout" : "interrupted");
      entry.done = executeRun(deps, opts, job, signal, reason)
        .catch((err): RunStatus => {
          deps.log.error("notebook run crashed", { cell: job.cellId, error: (err as Error).message });
          return "error";
        })
        .finally(() => {
          active.delete(job.cellId);
          pump();
        });
      active.set(job.cellId, entry);
      void entry.done.then((s) => onDone?.(s));
    }
  }

  const queue: RunQueue = {
    enqueue(job, onDone) {
      waiting.push({ job, onDone });
      pump();
    },
    async cancel(cellId) {
      const i = waiting.findIndex((w) => w.job.cellId === cellId);
      if (i >= 0) {
        const [{ job }] = waiting.splice(i, 1) as [{ job: RunJob }];
        await queries.updateVersionRun(deps.database.db, job.versionId, { status: "cancelled", finishedAt: deps.clock.now(), error: "Cancelled before it started" });
        publish(deps, job.notebookId, { type: "cell-status", cellId, version: job.version, status: "cancelled", durationMs: 0, error: "Cancelled before it started" });
        return true;
      }
      const a = active.get(cellId);
      if (!a) return false;
      a.reason = "cancelled";
      a.controller.abort(new Error("cancelled"));
      await a.done;
      return true;
    },
    isBusy(cellId) {
      return active.has(cellId) || waiting.some((w) => w.job.cellId === cellId);
    },
    async stop() {
      stopped = true;
      for (const w of waiting.splice(0)) {
        await queries
          .updateVersionRun(deps.database.db, w.job.versionId, { status: "interrupted", finishedAt: deps.clock.now(), error: "the server stopped before this cell ran" })
          .catch(() => {});
      }
      for (const a of active.values()) {
        a.reason = "interrupted";
        a.controller.abort(new Error("server stopping"));
      }
      await Promise.all(Array.from(active.values()).map((a) => a.done));
    },
  };
  return queue;
}
