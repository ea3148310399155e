// What the downloads service needs: reads of flows and hunts (through their services, which
// check READ_RESULTS themselves), the audit log and the clock.
import type { AuditService, FlowsService, HuntsService, ServiceDeps } from "@/engine/server/contracts";

export interface DownloadsDeps extends Pick<ServiceDeps, "clock" | "log"> {
  audit: Pick<AuditService, "record">;
  flows: Pick<FlowsService, "get" | "results" | "resultPages" | "logs" | "uploads" | "uploadFile">;
  hunts: Pick<HuntsService, "get" | "clients" | "results">;
}

/** Rows per read from the flows service (each page is one chunk of the entry). */
export const PAGE = 1000;
