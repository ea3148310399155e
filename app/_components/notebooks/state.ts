"use client";
// The open notebook's state in the browser and how each live event changes it. Pure functions
// of (state, event); the component owns the state.
import type { CellView, NotebookEvent, NotebookView, ResultTableView } from "@/engine";

export interface NotebookState {
  notebook: NotebookView;
  /** Rows streamed inline, by `${cellId}:${version}:${tableIdx}` (JSON text). */
  inline: Record<string, string[]>;
  deleted?: string;
  /** Bumped when an event refers to something this page does not have: reload the notebook. */
  stale: number;
}

export function inlineKey(cellId: string, version: number, idx: number): string {
  return `${cellId}:${version}:${idx}`;
}

function patchCell(s: NotebookState, cellId: string, fn: (c: CellView) => CellView | undefined): NotebookState {
  let found = false;
  const cells = s.notebook.cells.map((c) => {
    if (c.id !== cellId) return c;
    found = true;
    return fn(c) ?? c;
  });
  return found ? { ...s, notebook: { ...s.notebook, cells } } : { ...s, stale: s.stale + 1 };
}

function withTable(c: CellView, t: ResultTableView): CellView {
  const tables = c.tables.filter((x) => x.idx !== t.idx).concat(t).sort((a, b) => a.idx - b.idx);
  return { ...c, tables };
}

/** How far a run has got: a run version's status only moves forward (queued, running, an end); "edited" is not a run. */
function progress(status: string): number {
  return status === "queued" ? 0 : status === "running" ? 1 : status === "edited" ? -1 : 2;
}

/**
 * A view of the same version that is behind what this page has seen (the run request's answer,
 * or a view read before the run started, arriving after the "running" or the end): stale.
 */
function behind(old: CellView, version: number, status: string): boolean {
  return old.version === version && progress(status) >= 0 && progress(status) < progress(old.status);
}

/**
 * A notebook read again (after the topic became live, a reconnect, or a stale event): its cells
 * replace the page's, except a cell whose run at the same version the page has already seen
 * get further (the read started before that run's later events, which arrived first).
 */
export function mergeLoaded(s: NotebookState, loaded: NotebookView): NotebookState {
  const current = new Map(s.notebook.cells.map((c) => [c.id, c]));
  const cells = loaded.cells.map((c) => {
    const old = current.get(c.id);
    return old && behind(old, c.version, c.status) ? old : c;
  });
  return { ...s, notebook: { ...loaded, cells } };
}

export function applyEvent(s: NotebookState, e: NotebookEvent): NotebookState {
  switch (e.type) {
    case "notebook":
      return { ...s, notebook: { ...s.notebook, ...e.notebook } };
    case "notebook-deleted":
      return { ...s, deleted: e.by };
    case "cells": {
      const byId = new Map(s.notebook.cells.map((c) => [c.id, c]));
      const cells = e.order.map((id) => byId.get(id)).filter((c): c is CellView => Boolean(c));
      return { ...s, notebook: { ...s.notebook, cells }, stale: cells.length !== e.order.length ? s.stale + 1 : s.stale };
    }
    case "cell": {
      const exists = s.notebook.cells.some((c) => c.id === e.cell.id);
      if (!exists) return { ...s, stale: s.stale + 1 };
      // The latest cell view is the truth, except one behind this version's progress (the run
      // request's answer may arrive after the socket's "running"), and the live-only waiting note
      // of a run still queued at this version (a saved view never has it).
      return patchCell(s, e.cell.id, (old) => (behind(old, e.cell.version, e.cell.status) ? old : e.cell.status === "queued" && old.version === e.cell.version && !e.cell.waiting && old.waiting ? { ...e.cell, waiting: old.waiting } : e.cell));
    }
    case "cell-deleted":
      return { ...s, notebook: { ...s.notebook, cells: s.notebook.cells.filter((c) => c.id !== e.cellId) } };
    case "cell-status": {
      const c = s.notebook.cells.find((x) => x.id === e.cellId);
      if (!c || c.version < e.version) return { ...s, stale: s.stale + 1 };
      if (c.version > e.version || behind(c, e.version, e.status)) return s;
      // A plain "queued" of the same version (the run request's, which may come after the queue's
      // note) keeps the waiting note.
      return patchCell(s, e.cellId, (x) => ({ ...x, status: e.status, durationMs: e.durationMs, error: e.error, waiting: e.status === "queued" ? (e.waiting ?? (x.status === "queued" ? x.waiting : undefined)) : undefined }));
    }
    case "rows": {
      const key = inlineKey(e.cellId, e.version, e.table.idx);
      let inline = s.inline;
      if (e.rows?.length) {
        const prev = s.inline[key] ?? [];
        if (e.from === prev.length) inline = { ...s.inline, [key]: prev.concat(e.rows) };
      }
      const next = patchCell({ ...s, inline }, e.cellId, (c) => {
        if (c.version !== e.version) return undefined;
        const output = c.output.some((b) => b.kind === "table" && b.table === e.table.idx) ? c.output : [...c.output, { kind: "table" as const, table: e.table.idx }];
        return { ...withTable(c, e.table), output, status: c.status === "queued" ? "running" : c.status };
      });
      return next;
    }
    case "logs":
      return patchCell(s, e.cellId, (c) => (c.version === e.version ? { ...c, logs: [...c.logs, ...e.logs].slice(0, 200), logCount: e.logCount } : c));
    default:
      // Hub messages ("subscribed", "error") and event types this page does not know.
      return s;
  }
}
