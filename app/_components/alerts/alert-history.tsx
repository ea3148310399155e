"use client";
// An alert's occurrences (newest first: when, severity, flow, who raised it, its event data)
// and its activity (oldest first: status and assignee changes, comments, with who and when).
import Link from "next/link";
import { time } from "../monitoring/event-rows";
import { SeverityChip, STATUS_LABELS } from "./badges";
import { flowHref } from "./links";
import type { ActivityRow, OccurrenceRow } from "./types";
import type { AlertStatus } from "@/engine";

const statusText = (s: string | null) => (s ? (STATUS_LABELS[s as AlertStatus] ?? s) : "none");

export function Occurrences({ occurrences, clientId, count }: { occurrences: OccurrenceRow[]; clientId: string; count: number }) {
  return (
    <>
      <table className="data compact results" data-testid="alert-occurrences">
        <thead>
          <tr>
            <th>Raised (UTC)</th>
            <th>Severity</th>
            <th>Flow</th>
            <th>Raised by</th>
            <th>Event data</th>
          </tr>
        </thead>
        <tbody>
          {occurrences.map((o) => {
            const href = flowHref(clientId, o.flowId);
            return (
              <tr key={o.eventId} data-testid="alert-occurrence">
                <td className="nowrap">{time(o.at)}</td>
                <td>
                  <SeverityChip severity={o.severity} />
                </td>
                <td className="mono small">{href ? <Link href={href}>{o.flowId}</Link> : o.flowId}</td>
                <td>{o.raisedBy}</td>
                <td>
                  <span className="cell mono small">{JSON.stringify(o.eventData ?? {})}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {count > occurrences.length ? <p className="muted small">The newest {occurrences.length} of {count.toLocaleString()} occurrences.</p> : null}
    </>
  );
}

function describe(a: ActivityRow): string {
  switch (a.kind) {
    case "status":
      return `changed the status from ${statusText(a.from)} to ${statusText(a.to)}`;
    case "reopened":
      return `reopened it (${statusText(a.from)} → ${statusText(a.to ?? "new")})`;
    case "assignee":
      return a.to ? `assigned it to ${a.to}${a.from ? ` (was ${a.from})` : ""}` : `unassigned it${a.from ? ` from ${a.from}` : ""}`;
    case "comment":
      return "commented";
    default:
      return String(a.kind);
  }
}

export function Activity({ activity }: { activity: ActivityRow[] }) {
  if (!activity.length) return <p className="muted" data-testid="alert-activity">No activity yet.</p>;
  return (
    <ol className="activity" data-testid="alert-activity">
      {activity.map((a) => (
        <li key={a.id} data-testid="alert-activity-item" data-kind={a.kind}>
          <div>
            <strong>{a.actor}</strong> {describe(a)} <span className="muted small">{time(a.at)}</span>
          </div>
          {a.text ? <p className="comment">{a.text}</p> : null}
        </li>
      ))}
    </ol>
  );
}
