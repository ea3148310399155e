// Database rows of the inbox to the contract's shapes.
import type { AlertActivityRecord, AlertOccurrenceRecord } from "@/drizzle";
import type { queries } from "@/drizzle";
import type { AlertActivity, AlertId, AlertOccurrence, AlertSummary } from "@/engine/server/contracts";
import { normalSeverity } from "./record";

export function toSummary(r: queries.AlertListRow): AlertSummary {
  return {
    id: r.id as AlertId,
    name: r.name,
    clientId: r.clientId,
    hostname: r.hostname,
    artifact: r.artifact,
    artifactType: r.artifactType,
    severity: normalSeverity(r.severity),
    status: r.status as AlertSummary["status"],
    assignee: r.assignee,
    count: Number(r.count),
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    lastEventData: r.lastEventData,
    lastFlowId: r.lastFlowId,
    raisedBy: r.raisedBy,
    notebookId: r.notebookId,
    cellId: r.cellId,
    updatedAt: r.updatedAt,
  };
}

export function toOccurrence(r: AlertOccurrenceRecord): AlertOccurrence {
  return { eventId: Number(r.eventId), at: r.at, severity: normalSeverity(r.severity), eventData: r.eventData, flowId: r.flowId, raisedBy: r.raisedBy };
}

export function toActivity(r: AlertActivityRecord): AlertActivity {
  return { id: Number(r.id), at: r.at, actor: r.actor, kind: r.kind as AlertActivity["kind"], from: r.fromValue, to: r.toValue, text: r.text };
}
