// An alert's severity as a coloured chip and its triage status as a badge (text, never HTML).
import type { AlertSeverity, AlertStatus } from "@/engine";

export const STATUS_LABELS: Record<AlertStatus, string> = { new: "New", acknowledged: "Acknowledged", resolved: "Resolved", false_positive: "False positive" };

export function SeverityChip({ severity }: { severity: AlertSeverity }) {
  return (
    <span className={`sev sev-${severity}`} data-testid="alert-severity" data-severity={severity}>
      {severity}
    </span>
  );
}

export function StatusBadge({ status }: { status: AlertStatus }) {
  return (
    <span className={`state al-${status}`} data-testid="alert-status" data-status={status}>
      {STATUS_LABELS[status] ?? status}
    </span>
  );
}
