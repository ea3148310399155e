// The file browser service (VFS): collections started on demand (collect.ts), the cache read
// back (read.ts), and the durable journal consumer `vfs` of System.Flow.Completion that fills
// the cache (ingest.ts). Every process runs the consumer: they take turns on its cursor row, so
// each completion is ingested once, in the transaction that advances the cursor.
import { permissionsOf } from "../../auth/roles";
import { FLOW_COMPLETION_QUEUE, type FlowsService, type Journal, type Principal, type ServiceDeps, type VfsService } from "@/engine/server/contracts";
import { startVfsCollections } from "./collect";
import { ingestCompletions } from "./ingest";
import { startVfsReads } from "./read";

export const VFS_CONSUMER = "vfs";
const SYSTEM: Principal = { userId: "system", username: "VfsService", role: "administrator", permissions: permissionsOf("administrator"), via: "system" };

export interface VfsDeps extends ServiceDeps {
  flows: Pick<FlowsService, "collect" | "get" | "results">;
  journal: Pick<Journal, "consumer">;
}

export function startVfs(deps: VfsDeps, signal: AbortSignal): VfsService & { running: Promise<void> } {
  const consumer = deps.journal.consumer(VFS_CONSUMER, FLOW_COMPLETION_QUEUE);
  // Small batches: a listing of 100,000 entries is written inside the batch's transaction.
  const running = consumer
    .run((events, tx) => ingestCompletions({ flows: deps.flows, system: SYSTEM, now: () => deps.clock.now() }, events, tx), { signal, batchSize: 20 })
    .catch((err) => deps.log.error("vfs consumer stopped", { error: (err as Error).message }));
  return { ...startVfsReads(deps), ...startVfsCollections(deps), running };
}
