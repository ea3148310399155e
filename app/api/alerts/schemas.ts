// Query parameters and request bodies of the alerts routes, checked with zod. Pure (no
// server-only import), so the parsing is unit-tested; problems come back as one sentence that
// names the parameter, never its value.
import { z } from "zod";
import { ALERT_SEVERITIES, ALERT_STATUSES, type AlertFilter } from "@/engine";

const time = z
  .string()
  .transform((v, ctx) => {
    const d = /^\d+(\.\d+)?$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "not a time (epoch seconds or ISO 8601)" });
      return z.NEVER;
    }
    return d;
  });
const text = z.string().max(500);
const whole = (max: number) => z.coerce.number().int().min(0).max(max);
const MAX_WINDOW = 7 * 24 * 3600;

export const AlertQuery = z.object({
  status: z.array(z.enum(ALERT_STATUSES)).max(ALERT_STATUSES.length).optional(),
  severity: z.array(z.enum(ALERT_SEVERITIES)).max(ALERT_SEVERITIES.length).optional(),
  client: text.optional(),
  label: text.optional(),
  artifact: text.optional(),
  since: time.optional(),
  until: time.optional(),
  search: text.optional(),
  assignee: text.optional(),
  limit: whole(500).default(50),
  offset: whole(1_000_000_000).default(0),
});

export const AlertPatch = z
  .object({
    status: z.enum(ALERT_STATUSES).optional(),
    /** A username; null or "" unassigns. */
    assignee: z.string().trim().max(200).nullable().optional().transform((v) => (v === "" ? null : v)),
    comment: z.string().trim().min(1).max(10_000).optional(),
  })
  .strict()
  .refine((b) => b.status !== undefined || b.assignee !== undefined || b.comment !== undefined, { message: "give at least one of status, assignee, comment" });

export const NotebookBody = z.object({ window: whole(MAX_WINDOW).optional() }).strict();

const WindowQuery = z.object({ window: whole(MAX_WINDOW).optional() });
const MULTI = new Set(["status", "severity"]);

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function problems(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => `${i.path.map(String).join(".") || "query"}: ${i.message}`).join("; ");
}

/** The inbox filter from `?status=new&status=acknowledged&severity=high&client=…` (multi values repeat or take commas; blank values are absent). */
export function parseAlertQuery(sp: URLSearchParams): Parsed<AlertFilter> {
  const raw: Record<string, unknown> = {};
  for (const key of new Set(sp.keys())) {
    const values = sp
      .getAll(key)
      .flatMap((v) => (MULTI.has(key) ? v.split(",") : [v]))
      .map((v) => v.trim())
      .filter(Boolean);
    if (values.length) raw[key] = MULTI.has(key) ? [...new Set(values)] : values[values.length - 1];
  }
  const r = AlertQuery.safeParse(raw);
  if (!r.success) return { ok: false, error: problems(r.error.issues) };
  const q = r.data;
  const filter: AlertFilter = { limit: q.limit, offset: q.offset };
  if (q.status) filter.status = q.status;
  if (q.severity) filter.severity = q.severity;
  if (q.client) filter.clientId = q.client;
  if (q.label) filter.label = q.label;
  if (q.artifact) filter.artifact = q.artifact;
  if (q.since) filter.since = q.since;
  if (q.until) filter.until = q.until;
  if (q.search) filter.search = q.search;
  if (q.assignee) filter.assignee = q.assignee;
  return { ok: true, value: filter };
}

/** `?window=<seconds>` (absent: the service's default). */
export function parseWindow(sp: URLSearchParams): Parsed<number | undefined> {
  const r = WindowQuery.safeParse({ window: sp.get("window")?.trim() || undefined });
  return r.success ? { ok: true, value: r.data.window } : { ok: false, error: problems(r.error.issues) };
}

/** An `[alertId]` route segment: `A.` and base32 digits. */
export function isAlertId(id: string): boolean {
  return /^A\.[A-Za-z0-9]{1,64}$/.test(id);
}
