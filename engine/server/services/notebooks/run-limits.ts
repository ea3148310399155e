// A cell run's timeout and row cap: the notebook's settings (or the server's defaults), clamped
// to the role limits of the user who runs it. Lowering a value the notebook set is never
// silent: it becomes a WARN line in the cell's log, so the user sees which limit applied and
// why. The server's defaults are lowered quietly (nobody asked for them).
import type { RoleLimits } from "@/engine/server/contracts";
import type { NotebookSettings } from "@/engine/server/contracts/notebooks";
import type { NotebookOptions } from "./deps";

export interface RunLimits {
  timeoutMs: number;
  maxRows: number;
  /** What was clamped, as log lines for the cell. */
  notes: string[];
}

export function runLimits(settings: NotebookSettings, opts: Pick<NotebookOptions, "cellTimeoutMs" | "maxRows">, limits: RoleLimits): RunLimits {
  const notes: string[] = [];
  const asked = settings.timeoutSeconds ? settings.timeoutSeconds * 1000 : opts.cellTimeoutMs;
  const maxTimeoutMs = limits.maxTimeoutSeconds * 1000;
  let timeoutMs = asked;
  if (asked > maxTimeoutMs) {
    timeoutMs = maxTimeoutMs;
    if (settings.timeoutSeconds) notes.push(`the timeout was lowered from ${fmt(asked / 1000)} s to ${fmt(limits.maxTimeoutSeconds)} s, the ${limits.role} role's maximum`);
  }
  const askedRows = settings.maxRows ?? opts.maxRows;
  let maxRows = askedRows;
  if (askedRows > limits.maxRows) {
    maxRows = limits.maxRows;
    if (settings.maxRows) notes.push(`the row cap was lowered from ${fmt(askedRows)} to ${fmt(limits.maxRows)}, the ${limits.role} role's maximum`);
  }
  return { timeoutMs, maxRows, notes };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
