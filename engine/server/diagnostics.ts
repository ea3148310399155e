// The server process as the developer builtins see it (VqlServices.diagnostics): the log ring
// the engine's logger fills (log.ts withRing), the query log the query service records every run
// in, and this process's metrics. Answered on the main thread (query workers call it), so the
// metrics are the server's own, not a worker's.
import type { VqlDiagnostics } from "@/engine/server/contracts";
import type { LogRing } from "@/engine/endpoint/diagnostics/log-ring";
import type { QueryLog } from "@/engine/endpoint/diagnostics/query-log";
import { processMetrics } from "@/engine/endpoint/diagnostics/process-metrics";

export function serverDiagnostics(ring: LogRing, queries: QueryLog): VqlDiagnostics {
  return {
    component: "server",
    logs: (after?: number) => ring.since(typeof after === "number" ? after : 0),
    queries: () => queries.get(),
    metrics: () => processMetrics(),
  };
}
