// Queries of the alert inbox: recording raises (grouped into entries by name + client +
// artifact, each journal event counted once), listing entries with filters, one entry with its
// occurrences and activity, triage changes, and the counts the navigation shows.
import { and, asc, desc, eq, gte, ilike, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { alertActivity, alertOccurrences, alerts, clientLabels, clients, type AlertActivityRecord, type AlertOccurrenceRecord, type AlertRecord } from "../schema";

/** One raise, as the inbox's consumer read it from the journal. */
export interface AlertRaise {
  eventId: number;
  at: Date;
  name: string;
  clientId: string;
  artifact: string;
  artifactType: string;
  severity: string;
  severityRank: number;
  eventData: Record<string, unknown>;
  flowId: string;
  raisedBy: string;
  notebookId: string;
  cellId: string;
}

export interface RecordedAlert {
  id: string;
  count: number;
  created: boolean;
  reopened: boolean;
}

const keyOf = (r: { name: string; clientId: string; artifact: string }) => `${r.name}\u0000${r.clientId}\u0000${r.artifact}`;

/**
 * Records raises in the caller's transaction: raises already recorded (by event id) are skipped;
 * the rest update their entry (count, last seen, latest event data, highest severity; a resolved
 * entry is reopened as new, with an activity row) or create it with `newId()`.
 */
export async function recordAlertRaises(tx: Db, raises: AlertRaise[], newId: () => string): Promise<RecordedAlert[]> {
  if (!raises.length) return [];
  const known = await tx
    .select({ eventId: alertOccurrences.eventId })
    .from(alertOccurrences)
    .where(inArray(alertOccurrences.eventId, raises.map((r) => r.eventId)));
  const skip = new Set(known.map((k) => Number(k.eventId)));
  const groups = new Map<string, AlertRaise[]>();
  for (const r of raises) {
    if (skip.has(r.eventId)) continue;
    skip.add(r.eventId);
    let g = groups.get(keyOf(r));
    if (!g) groups.set(keyOf(r), (g = []));
    g.push(r);
  }
  if (!groups.size) return [];
  const firsts = [...groups.values()].map((g) => g[0]!);
  const tuples = sql.join(
    firsts.map((r) => sql`(${r.name}, ${r.clientId}, ${r.artifact})`),
    sql`, `,
  );
  const existing = await tx
    .select()
    .from(alerts)
    .where(sql`(${alerts.name}, ${alerts.clientId}, ${alerts.artifact}) in (${tuples})`)
    .orderBy(asc(alerts.id))
    .for("update");
  const byKey = new Map(existing.map((e) => [keyOf(e), e]));
  const out: RecordedAlert[] = [];
  const created: Array<typeof alerts.$inferInsert> = [];
  /** Existing entries with their new values, computed from the locked rows: one UPDATE for all. */
  const changed: Array<Record<string, unknown>> = [];
  const occurrences: Array<typeof alertOccurrences.$inferInsert> = [];
  const activity: Array<typeof alertActivity.$inferInsert> = [];
  const now = new Date();
  for (const [key, g] of groups) {
    const latest = g.reduce((a, b) => (b.at >= a.at ? b : a));
    const earliest = g.reduce((a, b) => (b.at < a.at ? b : a));
    const top = g.reduce((a, b) => (b.severityRank > a.severityRank ? b : a));
    const e = byKey.get(key);
    let id: string;
    if (!e) {
      id = newId();
      created.push({
        id,
        name: latest.name,
        clientId: latest.clientId,
        artifact: latest.artifact,
        artifactType: latest.artifactType,
        severity: top.severity,
        severityRank: top.severityRank,
        status: "new",
        count: g.length,
        firstSeen: earliest.at,
        lastSeen: latest.at,
        lastEventData: latest.eventData,
        lastFlowId: latest.flowId,
        raisedBy: latest.raisedBy,
        notebookId: latest.notebookId,
        cellId: latest.cellId,
        updatedAt: now,
      });
      out.push({ id, count: g.length, created: true, reopened: false });
    } else {
      id = e.id;
      const newer = latest.at >= e.lastSeen;
      const reopened = e.status === "resolved";
      const last = newer ? latest : undefined;
      const severityUp = top.severityRank > e.severityRank;
      changed.push({
        id,
        count: Number(e.count) + g.length,
        first_seen: (earliest.at < e.firstSeen ? earliest.at : e.firstSeen).toISOString(),
        last_seen: (last?.at ?? e.lastSeen).toISOString(),
        last_event_data: last ? last.eventData : e.lastEventData,
        last_flow_id: last ? last.flowId : e.lastFlowId,
        raised_by: last ? last.raisedBy : e.raisedBy,
        notebook_id: last ? last.notebookId : e.notebookId,
        cell_id: last ? last.cellId : e.cellId,
        artifact_type: last ? last.artifactType : e.artifactType,
        severity: severityUp ? top.severity : e.severity,
        severity_rank: severityUp ? top.severityRank : e.severityRank,
        status: reopened ? "new" : e.status,
      });
      if (reopened) activity.push({ alertId: id, at: now, actor: "system", kind: "reopened", fromValue: "resolved", toValue: "new", text: "raised again after it was resolved" });
      out.push({ id, count: Number(e.count) + g.length, created: false, reopened });
    }
    for (const r of g) {
      occurrences.push({ eventId: r.eventId, alertId: id, at: r.at, severity: r.severity, eventData: r.eventData, flowId: r.flowId, raisedBy: r.raisedBy });
    }
  }
  if (created.length) await tx.insert(alerts).values(created);
  if (changed.length) {
    await tx.execute(sql`
      update alerts a set
        count = v.count, first_seen = v.first_seen, last_seen = v.last_seen, last_event_data = v.last_event_data,
        last_flow_id = v.last_flow_id, raised_by = v.raised_by, notebook_id = v.notebook_id, cell_id = v.cell_id,
        artifact_type = v.artifact_type, severity = v.severity, severity_rank = v.severity_rank, status = v.status,
        updated_at = ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as v(
        id text, count bigint, first_seen timestamptz, last_seen timestamptz, last_event_data jsonb, last_flow_id text,
        raised_by text, notebook_id text, cell_id text, artifact_type text, severity text, severity_rank integer, status text)
      where a.id = v.id`);
  }
  await tx.insert(alertOccurrences).values(occurrences);
  if (activity.length) await tx.insert(alertActivity).values(activity);
  return out;
}

export interface AlertListFilter {
  status?: string[];
  severity?: string[];
  clientId?: string;
  label?: string;
  artifact?: string;
  since?: Date;
  until?: Date;
  search?: string;
  assignee?: string;
  limit: number;
  offset?: number;
}

export type AlertListRow = AlertRecord & { hostname: string };

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listAlerts(db: Db, f: AlertListFilter): Promise<{ rows: AlertListRow[]; total: number }> {
  const where: SQL[] = [];
  if (f.status?.length) where.push(inArray(alerts.status, f.status));
  if (f.severity?.length) where.push(inArray(alerts.severity, f.severity));
  if (f.clientId) where.push(eq(alerts.clientId, f.clientId));
  if (f.artifact) where.push(eq(alerts.artifact, f.artifact));
  if (f.assignee) where.push(eq(alerts.assignee, f.assignee));
  if (f.since) where.push(gte(alerts.lastSeen, f.since));
  if (f.until) where.push(lte(alerts.lastSeen, f.until));
  if (f.label) {
    where.push(
      inArray(
        alerts.clientId,
        db.select({ c: clientLabels.clientId }).from(clientLabels).where(eq(clientLabels.labelLower, f.label.trim().toLowerCase())),
      ),
    );
  }
  if (f.search?.trim()) {
    const like = `%${escapeLike(f.search.trim())}%`;
    where.push(
      or(
        ilike(alerts.name, like),
        ilike(alerts.artifact, like),
        ilike(alerts.clientId, like),
        ilike(clients.hostname, like),
        sql`${alerts.lastEventData}::text ilike ${like}`,
      )!,
    );
  }
  const rows = await db
    .select({ alert: alerts, hostname: sql<string>`coalesce(${clients.hostname}, '')`, total: sql<number>`count(*) over ()` })
    .from(alerts)
    .leftJoin(clients, eq(clients.clientId, alerts.clientId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(alerts.lastSeen), desc(alerts.id))
    .limit(f.limit)
    .offset(f.offset ?? 0);
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (!rows.length && (f.offset ?? 0) > 0) {
    const [c] = await db
      .select({ n: sql<number>`count(*)` })
      .from(alerts)
      .leftJoin(clients, eq(clients.clientId, alerts.clientId))
      .where(where.length ? and(...where) : undefined);
    total = Number(c?.n ?? 0);
  }
  return { rows: rows.map((r) => ({ ...r.alert, hostname: r.hostname })), total };
}

export async function getAlert(db: Db, id: string): Promise<AlertListRow | undefined> {
  const [r] = await db
    .select({ alert: alerts, hostname: sql<string>`coalesce(${clients.hostname}, '')` })
    .from(alerts)
    .leftJoin(clients, eq(clients.clientId, alerts.clientId))
    .where(eq(alerts.id, id));
  return r ? { ...r.alert, hostname: r.hostname } : undefined;
}

export async function getAlertForUpdate(tx: Db, id: string): Promise<AlertRecord | undefined> {
  const [r] = await tx.select().from(alerts).where(eq(alerts.id, id)).for("update");
  return r;
}

export async function listAlertOccurrences(db: Db, id: string, limit: number): Promise<AlertOccurrenceRecord[]> {
  return db.select().from(alertOccurrences).where(eq(alertOccurrences.alertId, id)).orderBy(desc(alertOccurrences.at), desc(alertOccurrences.eventId)).limit(limit);
}

export async function listAlertActivity(db: Db, id: string): Promise<AlertActivityRecord[]> {
  return db.select().from(alertActivity).where(eq(alertActivity.alertId, id)).orderBy(asc(alertActivity.id));
}

/** Applies a triage change and its activity rows in the caller's transaction. */
export async function updateAlertTriage(
  tx: Db,
  id: string,
  p: { status?: string; assignee?: string | null; at: Date; activity: Array<Omit<typeof alertActivity.$inferInsert, "alertId">> },
): Promise<void> {
  const set: Partial<typeof alerts.$inferInsert> = { updatedAt: p.at };
  if (p.status !== undefined) set.status = p.status;
  if (p.assignee !== undefined) set.assignee = p.assignee;
  await tx.update(alerts).set(set).where(eq(alerts.id, id));
  if (p.activity.length) await tx.insert(alertActivity).values(p.activity.map((a) => ({ ...a, alertId: id })));
}

export async function countAlerts(db: Db): Promise<{ new: number; open: number }> {
  const [r] = await db
    .select({
      new: sql<number>`count(*) filter (where ${alerts.status} = 'new')`,
      open: sql<number>`count(*) filter (where ${alerts.status} in ('new', 'acknowledged'))`,
    })
    .from(alerts);
  return { new: Number(r?.new ?? 0), open: Number(r?.open ?? 0) };
}
