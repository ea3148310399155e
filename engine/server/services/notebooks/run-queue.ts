// The notebook runs of this process. Each run first takes one of its user's run slots (the
// limits service: per user, over every process); a user at their limit waits in their own
// queue with a "waiting: you have N running" status, and nobody waits behind another user's
// runs. Once it has a slot, the run has its own AbortController chained to the engine's signal
// and its timeout (counted from the start, not from the wait); cancel aborts it whether it
// waits or runs. A run is recorded with this process as its owner, and a cancel asked for on
// another process arrives over the bus ("notebook-cancel"). These methods are the only writers
// of `runs`.
import { queries } from "@/drizzle";
import type { RunSlot } from "@/engine/server/contracts";
import type { NotebookOptions, NotebooksDeps } from "./deps";
import { publish } from "./events";
import type { RunStatus } from "@/engine/server/contracts/notebooks";
import { executeRun, type RunJob, type StopReason } from "./run-cell";

interface Run {
  job: RunJob;
  controller: AbortController;
  reason?: StopReason;
  started: boolean;
  done: Promise<RunStatus>;
}

export interface RunQueue {
  enqueue(job: RunJob, onDone?: (status: RunStatus) => void): void;
  /** Cancels the cell's waiting or running run; false when there is none. */
  cancel(cellId: string): Promise<boolean>;
  isBusy(cellId: string): boolean;
  /** Aborts every run (they end "interrupted") and waits for them to store their state. */
  stop(): Promise<void>;
}

/** The status line of a run waiting for its user's slot. */
export function waitingNote(running: number, limit: number): string {
  return `waiting: you have ${running} running (your role's limit is ${limit})`;
}

export function startRunQueue(deps: NotebooksDeps, opts: NotebookOptions): RunQueue {
  deps.bus.on("notebook-cancel", (m) => {
    const cellId = (m as { cellId?: unknown })?.cellId;
    if (typeof cellId === "string") void queue.cancel(cellId).catch(() => {});
  });
  const runs = new Map<string, Run>();
  let stopped = false;

  async function notStarted(job: RunJob, status: "cancelled" | "interrupted" | "error", error: string): Promise<RunStatus> {
    await queries.updateVersionRun(deps.database.db, job.versionId, { status, finishedAt: deps.clock.now(), error }).catch(() => {});
    publish(deps, job.notebookId, { type: "cell-status", cellId: job.cellId, version: job.version, status, durationMs: 0, error });
    return status;
  }

  async function run(entry: Run): Promise<RunStatus> {
    const { job, controller } = entry;
    let slot: RunSlot;
    try {
      slot = await deps.limits.acquire(job.principal, "notebook", {
        signal: AbortSignal.any([controller.signal, deps.signal]),
        onWait: (running, limit) => publish(deps, job.notebookId, { type: "cell-status", cellId: job.cellId, version: job.version, status: "queued", durationMs: null, error: null, waiting: waitingNote(running, limit) }),
      });
    } catch (err) {
      if (entry.reason === "cancelled") return notStarted(job, "cancelled", "Cancelled before it started");
      if (controller.signal.aborted || deps.signal.aborted) return notStarted(job, "interrupted", "the server stopped before this cell ran");
      deps.log.error("a notebook run could not take a run slot", { cell: job.cellId, error: (err as Error).message });
      return notStarted(job, "error", "the run could not start (see the server log)");
    }
    try {
      entry.started = true;
      const timeout = AbortSignal.timeout(job.timeoutMs);
      const signal = AbortSignal.any([controller.signal, timeout, deps.signal]);
      const reason = (): StopReason => entry.reason ?? (timeout.aborted ? "timeout" : "interrupted");
      return await executeRun(deps, opts, job, signal, reason);
    } finally {
      await slot.release();
    }
  }

  const queue: RunQueue = {
    enqueue(job, onDone) {
      if (stopped) {
        void notStarted(job, "interrupted", "the server stopped before this cell ran").then((s) => onDone?.(s));
        return;
      }
      const entry: Run = { job, controller: new AbortController(), started: false, done: Promise.resolve("done") };
      runs.set(job.cellId, entry);
      entry.done = run(entry)
        .catch((err): RunStatus => {
          deps.log.error("notebook run crashed", { cell: job.cellId, error: (err as Error).message });
          return "error";
        })
        .finally(() => {
          if (runs.get(job.cellId) === entry) runs.delete(job.cellId);
        });
      void entry.done.then((s) => onDone?.(s));
    },
    async cancel(cellId) {
      const r = runs.get(cellId);
      if (!r) return false;
      r.reason = "cancelled";
      r.controller.abort(new Error("cancelled"));
      await r.done;
      return true;
    },
    isBusy(cellId) {
      return runs.has(cellId);
    },
    async stop() {
      stopped = true;
      for (const r of runs.values()) {
        r.reason = "interrupted";
        r.controller.abort(new Error("server stopping"));
      }
      await Promise.all(Array.from(runs.values()).map((r) => r.done));
    },
  };
  return queue;
}
