// The inbox's journal consumer: each `Server.Internal.Alerts` event becomes a raise of its
// entry (name + client + artifact), recorded in the consumer's transaction so it is counted
// exactly once on whichever process handles the batch. Rows that are not alerts (missing name)
// are skipped with a warning; unknown severities count as medium.
import { queries, type Db } from "@/drizzle";
import { ALERT_SEVERITIES, type AlertSeverity, type JournalEvent, type Logger } from "@/engine/server/contracts";

export function severityRank(s: string): number {
  const i = (ALERT_SEVERITIES as readonly string[]).indexOf(s);
  return i < 0 ? 2 : i;
}

export function normalSeverity(s: unknown): AlertSeverity {
  const v = String(s ?? "").toLowerCase();
  return (ALERT_SEVERITIES as readonly string[]).includes(v) ? (v as AlertSeverity) : "medium";
}

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/** The raise an event reports, or undefined when it is not an alert row. */
export function raiseOf(e: JournalEvent): queries.AlertRaise | undefined {
  const p = e.payload;
  const name = str(p.name);
  if (!name) return undefined;
  const severity = normalSeverity(p.severity);
  const t = typeof p.timestamp === "string" ? new Date(p.timestamp) : undefined;
  const data = p.event_data && typeof p.event_data === "object" && !Array.isArray(p.event_data) ? (p.event_data as Record<string, unknown>) : { value: p.event_data ?? null };
  return {
    eventId: e.id,
    at: t && !Number.isNaN(t.getTime()) ? t : e.at,
    name: name.slice(0, 500),
    clientId: str(p.client_id) || e.clientId,
    artifact: str(p.artifact),
    artifactType: str(p.artifact_type),
    severity,
    severityRank: severityRank(severity),
    eventData: data,
    flowId: str(p.flow_id),
    raisedBy: str(p.raised_by),
    notebookId: str(p.notebook_id),
    cellId: str(p.cell_id),
  };
}

export async function recordRaises(tx: Db, events: JournalEvent[], newId: () => string, log: Logger): Promise<queries.RecordedAlert[]> {
  const raises: queries.AlertRaise[] = [];
  for (const e of events) {
    const r = raiseOf(e);
    if (r) raises.push(r);
    else log.warn("a Server.Internal.Alerts row without a name was not put in the inbox", { eventId: e.id });
  }
  return queries.recordAlertRaises(tx, raises, newId);
}
