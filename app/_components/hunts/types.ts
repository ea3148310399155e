// JSON shapes the Hunts pages receive from the route handlers (dates as ISO text), the queues a
// hunt's clients move through with their labels, and the fields h-huntb's branch adds to a hunt
// (optional here: absent until that branch is merged).
import type { HuntClient, HuntClientState, HuntSummary } from "@/engine";

type Jsonified<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

export type HuntRow = Jsonified<HuntSummary> & { stopReason?: string; maxErrorPercent?: number; maxTotalRows?: number; maxTotalUploadBytes?: number };
export type HuntClientRow = Jsonified<HuntClient>;

export const QUEUES: Array<{ state: HuntClientState; label: string }> = [
  { state: "pending", label: "Pending" },
  { state: "running", label: "Running" },
  { state: "with_results", label: "With results" },
  { state: "completed", label: "Completed (no rows)" },
  { state: "error", label: "Errors" },
  { state: "checking", label: "Checking" },
  { state: "excluded", label: "Excluded" },
];

/** The size of one queue from a hunt's exact counts. */
export function queueCount(h: HuntRow, state: HuntClientState): number {
  const s = h.stats;
  return {
    pending: s.pending,
    running: s.running,
    with_results: s.totalClientsWithResults,
    completed: s.totalClientsWithoutResults,
    error: s.totalClientsWithErrors,
    checking: s.checking,
    excluded: s.excluded,
  }[state];
}

/** What the list and the page show as the hunt's state (a RUNNING hunt past its expiry is done). */
export function shownState(h: HuntRow): string {
  return h.state === "RUNNING" && h.expired ? "EXPIRED" : h.state;
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 19) : "—");
