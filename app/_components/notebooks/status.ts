// A cell's status line and what it says about errors: "Done with 2 errors in 0.05s · run by
// alice", and the position (line:col) a log message starts with. Pure, so it is unit-tested.
import type { CellView } from "@/engine";

/** ERROR lines among the run's logs (those the view holds: the first 200). */
export function errorCount(c: CellView): number {
  return c.logs.reduce((n, l) => n + (l.level === "ERROR" ? 1 : 0), 0);
}

/** Where a log line points: its `at` (line:col of the span), else a leading `line:col: ` in its message. */
export function messagePosition(message: string, at?: string): { line: number; col: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(at ?? "") ?? /^(\d+):(\d+): /.exec(message);
  return m ? { line: Number(m[1]), col: Number(m[2]) } : undefined;
}

/** A log line as the first-error notice shows it: `line:col: message`. */
export function positionedMessage(l: { message: string; at?: string }): string {
  return l.at && !l.message.startsWith(`${l.at}: `) ? `${l.at}: ${l.message}` : l.message;
}

export function statusText(c: CellView): string {
  const secs = c.durationMs !== null ? ` in ${(c.durationMs / 1000).toFixed(c.durationMs < 10_000 ? 2 : 1)}s` : "";
  switch (c.status) {
    case "queued":
      return c.waiting ? `Queued, ${c.waiting}…` : "Queued…";
    case "running":
      return "Running…";
    case "done": {
      if (c.type === "markdown") return "";
      const errors = errorCount(c);
      return `Done${errors ? ` with ${errors} error${errors === 1 ? "" : "s"}` : ""}${secs}${c.runBy ? ` · run by ${c.runBy}` : ""}`;
    }
    case "error":
      return `Failed${secs}`;
    case "cancelled":
      return `Cancelled${secs}`;
    case "timeout":
      return `Timed out${secs}`;
    case "interrupted":
      return "Interrupted: the server stopped while this cell was running";
    case "edited":
      return "Not run yet";
  }
}
