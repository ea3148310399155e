// One cell run: plan the output from the text, run the VQL as the editing user with the
// notebook's environment, stream each SELECT into its result table, keep the first log lines,
// and store how it ended (done, error, cancelled, timeout, interrupted). Never throws: every
// failure ends up in the version's status and error.
import { queries } from "@/drizzle";
import { lineCol } from "@/engine/vql/ast/positions";
import type { Principal } from "@/engine/server/contracts";
import type { NotebookOptions, NotebooksDeps } from "./deps";
import { publish } from "./events";
import { planCell } from "./layout";
import type { CellLog, RunStatus } from "@/engine/server/contracts/notebooks";
import { TableWriter } from "./table-writer";
import { errorFields } from "@/engine/server/log";

export interface RunJob {
  notebookId: string;
  cellId: string;
  versionId: number;
  version: number;
  input: string;
  principal: Principal;
  env: Record<string, unknown>;
  timeoutMs: number;
  maxRows: number;
  /** Limits that were clamped to the runner's role, shown as WARN lines first in the log. */
  notes?: string[];
}

/** Why a run's signal fired. */
export type StopReason = "cancelled" | "timeout" | "interrupted";

const KEEP_LOGS = 200;

export async function executeRun(
  deps: NotebooksDeps,
  opts: NotebookOptions,
  job: RunJob,
  signal: AbortSignal,
  reason: () => StopReason | undefined,
): Promise<RunStatus> {
  const db = deps.database.db;
  const t0 = performance.now();
  const startedAt = deps.clock.now();
  const plan = planCell(job.input, startedAt.getTime());
  const notes: CellLog[] = (job.notes ?? []).map((message) => ({ level: "WARN", message, time: startedAt.getTime() }));
  // A query that runs reports its own parse warnings (runVqlChunks logs them first): the plan's
  // copies are for cells that do not run, else every warning was logged twice.
  const runs = !plan.hasErrors && plan.parsed.statements.length > 0;
  const logs: CellLog[] = [...notes, ...(runs ? [] : plan.logs)];
  let logCount = logs.length;
  let unsent: CellLog[] = [...logs];
  let lastLogPublish = 0;
  let error: string | null = null;
  const writers: TableWriter[] = [];
  let current: TableWriter | undefined;
  const where = { notebookId: job.notebookId, cellId: job.cellId, version: job.version };

  const publishLogs = (force: boolean) => {
    const now = performance.now();
    if (!unsent.length || (!force && now - lastLogPublish < 250)) return;
    lastLogPublish = now;
    publish(deps, job.notebookId, { type: "logs", cellId: job.cellId, version: job.version, logs: unsent, logCount });
    unsent = [];
  };
  const addLog = (log: CellLog) => {
    logCount++;
    if (logs.length < KEEP_LOGS) {
      logs.push(log);
      unsent.push(log);
    }
    publishLogs(false);
  };

  await queries.updateVersionRun(db, job.versionId, { status: "running", startedAt, runBy: job.principal.username, runOwner: deps.node.nodeId, output: plan.blocks, error: null });
  publish(deps, job.notebookId, { type: "cell-status", cellId: job.cellId, version: job.version, status: "running", durationMs: null, error: null });

  let status: RunStatus = "done";
  try {
    if (plan.hasErrors) {
      status = "error";
      const first = logs.find((l) => l.level === "ERROR");
      error = first ? `line ${first.at}: ${first.message}` : "the query has syntax errors";
    } else if (plan.parsed.statements.length === 0) {
      if (!plan.blocks.length) {
        status = "error";
        error = "Please specify a query to run";
      }
    } else {
      const events = deps.runQuery(job.input, { principal: job.principal, env: job.env, signal, maxRows: job.maxRows, notebooks: deps.self?.service, origin: { notebookId: job.notebookId, cellId: job.cellId } });
      for await (const ev of events) {
        if (signal.aborted) break;
        switch (ev.kind) {
          case "select-start": {
            if (current) await current.finish(false);
            const record = await queries.createResultTable(db, { versionId: job.versionId, idx: writers.length });
            current = new TableWriter(deps, { ...opts, maxRows: job.maxRows }, where, record);
            writers.push(current);
            break;
          }
          case "row":
            if (current) await current.add(ev.row);
            break;
          case "select-end":
            if (current) await current.finish(ev.truncated);
            current = undefined;
            break;
          case "log": {
            const log: CellLog = { level: ev.level, message: ev.message, time: ev.time };
            if (ev.code) log.code = ev.code;
            if (ev.span) {
              const p = lineCol(job.input, ev.span.start);
              log.at = `${p.line}:${p.col}`;
            }
            addLog(log);
            break;
          }
        }
      }
    }
  } catch (err) {
    if (!signal.aborted) {
      status = "error";
      // The database's own message, never drizzle's "Failed query: … params: …" with the rows in it.
      const failure = errorFields(err);
      error = err instanceof Error && !/Failed query:/.test(err.message) ? err.message : `storing the results failed: ${failure.error}`;
      deps.log.warn("notebook cell run failed", { notebook: job.notebookId, cell: job.cellId, ...failure });
    }
  }
  try {
    // A table whose SELECT never ended (cancel, timeout, shutdown, failure) keeps its rows but
    // stays incomplete (seen: `complete: true` with 164,608 of 2,000,000 rows).
    if (current) await current.finish(false, false);
  } catch (err) {
    status = "error";
    error ??= `storing results failed: ${(err as Error).message}`;
  }
  for (const w of writers) w.dispose();
  const stop = signal.aborted ? reason() ?? "interrupted" : undefined;
  if (stop) {
    status = stop;
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    error =
      stop === "cancelled"
        ? `Cancelled after ${seconds}s`
        : stop === "timeout"
          ? `Query timed out after ${Math.round(job.timeoutMs / 1000)}s`
          : "the server stopped while this cell was running";
  }
  if (status === "done" && writers.some((w) => w.truncated)) {
    addLog({ level: "WARN", message: `a result was cut at ${job.maxRows.toLocaleString("en-US")} rows (the row cap); refine the query or raise the notebook's row cap`, time: Date.now() });
  }
  publishLogs(true);
  const durationMs = Math.round(performance.now() - t0);
  await queries.updateVersionRun(db, job.versionId, {
    status,
    finishedAt: deps.clock.now(),
    durationMs,
    logs,
    logCount,
    error,
  });
  publish(deps, job.notebookId, { type: "cell-status", cellId: job.cellId, version: job.version, status, durationMs, error });
  return status;
}
