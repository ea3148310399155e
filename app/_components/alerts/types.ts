// JSON shapes the Alerts pages receive from /api/alerts/* (the contract's types with dates as
// ISO text), and the live topic's messages.
import type { AlertActivity, AlertContext, AlertOccurrence, AlertSummary } from "@/engine";

type Dated<T, K extends keyof T> = Omit<T, K> & { [P in K]: string };

export type AlertRow = Dated<AlertSummary, "firstSeen" | "lastSeen" | "updatedAt">;
export type OccurrenceRow = Dated<AlertOccurrence, "at">;
export type ActivityRow = Dated<AlertActivity, "at">;
export interface AlertDetailJson extends AlertRow {
  occurrences: OccurrenceRow[];
  activity: ActivityRow[];
}
export type ContextJson = Dated<AlertContext, "start" | "end">;
export interface AlertCounts {
  new: number;
  open: number;
}

/** The `alerts` topic: an entry changed (triage) or was raised again (`count` is its new count). */
export type AlertMessage = { type: "changed"; id: string } | { type: "raised"; id: string; count: number };

export function alertMessage(m: Record<string, unknown>): AlertMessage | undefined {
  if (typeof m.id !== "string") return undefined;
  if (m.type === "changed") return { type: "changed", id: m.id };
  if (m.type === "raised" && typeof m.count === "number") return { type: "raised", id: m.id, count: m.count };
  return undefined;
}
