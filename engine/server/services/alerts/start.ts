// The alerts service: the inbox's durable consumer of `Server.Internal.Alerts` (on every
// process; processes take turns batch by batch, so each raise is counted once), the reads and
// triage, and the live `alerts` topic announced after each change commits (who may subscribe:
// ws/alert-topics.ts).
import {
  ALERTS_QUEUE,
  ALERTS_TOPIC,
  type AccountsService,
  type AlertsService,
  type AuditService,
  type FlowsService,
  type Journal,
  type ServiceDeps,
  type UiHub,
} from "@/engine/server/contracts";
import { alertReads } from "./read";
import { recordRaises } from "./record";
import { alertTriage } from "./triage";

export interface AlertsDeps extends ServiceDeps {
  audit: AuditService;
  accounts: Pick<AccountsService, "principalFor">;
  journal: Pick<Journal, "consumer" | "history" | "isStored">;
  flows: Pick<FlowsService, "results">;
  ui: Pick<UiHub, "publish">;
}

export function startAlerts(deps: AlertsDeps, signal: AbortSignal): AlertsService {
  const reads = alertReads(deps);
  const triage = alertTriage(deps);

  const inbox = deps.journal.consumer("alerts-inbox", ALERTS_QUEUE, { initial: "start" });
  void inbox
    .run(
      async (events, tx) => {
        const recorded = await recordRaises(tx, events, () => deps.ids.alertId(), deps.log);
        if (!recorded.length) return;
        return () => {
          for (const r of recorded) deps.ui.publish(ALERTS_TOPIC, { type: "raised", id: r.id, count: r.count });
        };
      },
      { signal, batchSize: 200 },
    )
    .catch((err) => deps.log.error("the alert inbox stopped", { error: (err as Error).message }));

  return {
    list: reads.list,
    get: reads.get,
    counts: reads.counts,
    context: reads.context,
    notebookCells: reads.notebookCells,
    async update(actor, id, change) {
      const { changed } = await triage(actor, id, change);
      if (changed) deps.ui.publish(ALERTS_TOPIC, { type: "changed", id });
      return reads.summary(id);
    },
  };
}
