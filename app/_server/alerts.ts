// What the alerts route handlers share: the service, the request edges (schemas.ts checks,
// this file turns problems into 400s), the JSON shapes (dates as ISO text), and "Open in
// notebook": a notebook built from the service's cells through the notebooks service, as the
// asking user.
import "server-only";
import type { Principal } from "../../engine";
import type { AlertContext, AlertDetail, AlertFilter, AlertId, AlertSummary } from "../../engine";
import { isAlertId, parseAlertQuery, parseWindow } from "../api/alerts/schemas";
import { getEngine } from "./engine";
import { BadRequest } from "./respond";

export function alertsService() {
  return getEngine().alerts;
}

export function filterFromQuery(sp: URLSearchParams): AlertFilter {
  const r = parseAlertQuery(sp);
  if (!r.ok) throw new BadRequest(r.error);
  return r.value;
}

export function windowFromQuery(sp: URLSearchParams): number | undefined {
  const r = parseWindow(sp);
  if (!r.ok) throw new BadRequest(r.error);
  return r.value;
}

/** A route's `[alertId]` segment as the service's id (unknown ones are the service's 404). */
export function alertIdParam(raw: string): AlertId {
  const id = decodeURIComponent(raw);
  if (!isAlertId(id)) throw new BadRequest("`alertId` must be A. and base32 digits");
  return id as AlertId;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function summaryJson(a: AlertSummary) {
  return { ...a, firstSeen: iso(a.firstSeen), lastSeen: iso(a.lastSeen), updatedAt: iso(a.updatedAt) };
}

export function detailJson(a: AlertDetail) {
  return {
    ...summaryJson(a),
    occurrences: a.occurrences.map((o) => ({ ...o, at: iso(o.at) })),
    activity: a.activity.map((x) => ({ ...x, at: iso(x.at) })),
  };
}

export function contextJson(c: AlertContext) {
  return { ...c, start: iso(c.start), end: iso(c.end) };
}

/** Builds a notebook from the alert's cells as `p` (the notebooks service wants NOTEBOOK_EDITOR); its id. */
export async function createAlertNotebook(p: Principal, id: AlertId, windowSeconds?: number): Promise<string> {
  const engine = getEngine();
  const { title, cells } = await engine.alerts.notebookCells(p, id, windowSeconds === undefined ? {} : { windowSeconds });
  const notebook = await engine.notebooks.create(p, { name: title.slice(0, 200) || `Alert ${id}` });
  // A new notebook starts with the blank template's empty cell: the alert's cells replace it.
  const blank = notebook.cells.filter((c) => !c.input.trim()).map((c) => c.id);
  for (const cell of cells) await engine.notebooks.addCell(p, notebook.id, { type: cell.type, input: cell.text });
  if (cells.length) for (const cellId of blank) await engine.notebooks.deleteCell(p, notebook.id, cellId);
  return notebook.id;
}
