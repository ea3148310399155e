// The inbox's filters as they live in the page URL (?status=new&status=acknowledged&severity=high
// &client=&label=&artifact=&search=&range=24h | since=&until=&offset=), and the /api/alerts query
// they stand for. Pure, so it is tested without a browser. A preset range becomes `since` when
// the list is read, so a reload an hour later still means "the last 24 hours".
import { ALERT_SEVERITIES, ALERT_STATUSES, type AlertSeverity, type AlertStatus } from "@/engine";

export const RANGES = { "": "Any time", "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days", custom: "Between…" } as const;
export type Range = keyof typeof RANGES;
const RANGE_MS: Record<string, number> = { "1h": 3600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 };

export interface InboxState {
  status: AlertStatus[];
  severity: AlertSeverity[];
  client: string;
  label: string;
  artifact: string;
  search: string;
  range: Range;
  /** ISO text, for range "custom". */
  since: string;
  until: string;
  offset: number;
}

export const EMPTY: InboxState = { status: [], severity: [], client: "", label: "", artifact: "", search: "", range: "", since: "", until: "", offset: 0 };

function pick<T extends string>(values: string[], allowed: readonly T[]): T[] {
  const all = values.flatMap((v) => v.split(","));
  return allowed.filter((a) => all.includes(a));
}

function isoOrBlank(v: string | null): string {
  if (!v) return "";
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

export function stateFromParams(sp: URLSearchParams): InboxState {
  const since = isoOrBlank(sp.get("since"));
  const until = isoOrBlank(sp.get("until"));
  const r = sp.get("range") ?? "";
  const range: Range = r in RANGE_MS ? (r as Range) : since || until ? "custom" : "";
  const offset = Number(sp.get("offset") ?? 0);
  return {
    status: pick(sp.getAll("status"), ALERT_STATUSES),
    severity: pick(sp.getAll("severity"), ALERT_SEVERITIES),
    client: sp.get("client")?.trim() ?? "",
    label: sp.get("label")?.trim() ?? "",
    artifact: sp.get("artifact")?.trim() ?? "",
    search: sp.get("search")?.trim() ?? "",
    range,
    since: range === "custom" ? since : "",
    until: range === "custom" ? until : "",
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

/** The page URL's query for a state (empty parts left out). */
export function paramsOf(s: InboxState): URLSearchParams {
  const sp = new URLSearchParams();
  for (const v of s.status) sp.append("status", v);
  for (const v of s.severity) sp.append("severity", v);
  for (const k of ["client", "label", "artifact", "search"] as const) if (s[k]) sp.set(k, s[k]);
  if (s.range === "custom") {
    if (s.since) sp.set("since", s.since);
    if (s.until) sp.set("until", s.until);
  } else if (s.range) sp.set("range", s.range);
  if (s.offset) sp.set("offset", String(s.offset));
  return sp;
}

/** The /api/alerts query for a state at `now`. */
export function apiQuery(s: InboxState, limit: number, now: Date): string {
  const sp = paramsOf({ ...s, range: s.range === "custom" ? "custom" : "", offset: 0 });
  if (s.range in RANGE_MS) sp.set("since", new Date(now.getTime() - RANGE_MS[s.range]!).toISOString());
  sp.set("limit", String(limit));
  if (s.offset) sp.set("offset", String(s.offset));
  return sp.toString();
}

/** A datetime-local input's value (local time, minutes) for ISO text, and back. */
export function toLocalInput(iso: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
export function fromLocalInput(v: string): string {
  if (!v) return "";
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}
