// Cell operations: add, move, delete, save (a new version), run (a new version queued for its
// user's run slot, with the timeout and row cap clamped to the user's role), cancel, and
// undo/redo (re-point the current version; nothing is recomputed).
// Each change is published to the notebook's viewers and mirrored into the live document.
import { queries, type NotebookRecord } from "@/drizzle";
import { ServiceError, type NodeId, type Principal } from "@/engine/server/contracts";
import { loadForEdit, orNotFound } from "./access";
import type { Collab } from "./collab";
import type { NotebookOptions, NotebooksDeps } from "./deps";
import { publish } from "./events";
import { isCellId } from "./ids";
import type { CellType, CellView, NotebookParameter, NotebookSettings } from "@/engine/server/contracts/notebooks";
import { runLimits } from "./run-limits";
import type { RunQueue } from "./run-queue";
import { cellView } from "./views";
import { storableText } from "@/engine/protocol";

const MAX_INPUT = 1024 * 1024;
const CANCEL_WAIT_MS = 10_000;

function cleanType(t: unknown, fallback: CellType): CellType {
  if (t === undefined || t === null) return fallback;
  if (t === "vql" || t === "markdown") return t;
  throw new ServiceError("bad_request", "a cell's type is `vql` or `markdown`");
}

export function cleanInput(input: unknown): string {
  const s = typeof input === "string" ? input : input === undefined || input === null ? "" : String(input);
  if (s.length > MAX_INPUT) throw new ServiceError("bad_request", "a cell holds at most 1 MiB of text");
  // PostgreSQL text cannot hold NUL; it becomes U+FFFD, as Markdown renderers treat it.
  return storableText(s);
}

/** A parameter's value as a scope variable: ints and bools typed, the rest strings. */
function paramValue(p: NotebookParameter): unknown {
  const raw = p.value ?? p.default;
  if (p.type === "int") {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  if (p.type === "bool") return /^(true|yes|y|1|on)$/i.test(raw.trim());
  return raw;
}

export function cellEnv(nb: NotebookRecord, cellId: string): Record<string, unknown> {
  const env: Record<string, unknown> = {};
  for (const p of nb.parameters as NotebookParameter[]) env[p.name] = paramValue(p);
  for (const e of nb.env) env[e.key] = e.value;
  env.NotebookId = nb.id;
  env.NotebookCellId = cellId;
  return env;
}

export function startCellOps(deps: NotebooksDeps, opts: NotebookOptions, collab: Collab, queue: RunQueue) {
  const db = deps.database.db;

  /** Asks the live process that owns a run to cancel it; false when that process is gone. */
  function cancelElsewhere(v: { cellId: string; status: string; runOwner: string | null }): boolean {
    if (v.status !== "queued" && v.status !== "running") return true;
    if (!v.runOwner || v.runOwner === deps.node.nodeId || !deps.node.isLive(v.runOwner)) return false;
    deps.bus.send(v.runOwner as NodeId, "notebook-cancel", { cellId: v.cellId });
    return true;
  }

  /** Waits until a version's run has ended (any final status). */
  async function settled(versionId: number, ms: number): Promise<boolean> {
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      const v = await queries.getVersionById(db, versionId);
      if (v.status !== "queued" && v.status !== "running") return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  async function cellIn(id: string, cellId: string) {
    if (!isCellId(cellId)) throw new ServiceError("not_found", `no cell ${cellId}`);
    const c = await orNotFound(queries.getCellWithCurrent(db, cellId));
    if (c.cell.notebookId !== id) throw new ServiceError("not_found", `no cell ${cellId} in notebook ${id}`);
    return c;
  }

  async function viewOf(cellId: string): Promise<CellView> {
    const c = await queries.getCellWithCurrent(db, cellId);
    const tables = await queries.listResultTables(db, [c.version.id]);
    return cellView(c, tables);
  }

  async function announce(id: string, cellId: string, by: string): Promise<CellView> {
    const cell = await viewOf(cellId);
    publish(deps, id, { type: "cell", cell, by });
    return cell;
  }

  async function newVersion(actor: Principal, id: string, cellId: string, p: { input?: unknown; type?: unknown }, status: (type: CellType) => string) {
    const c = await cellIn(id, cellId);
    const type = cleanType(p.type, c.version.type as CellType);
    const input = cleanInput(p.input !== undefined ? p.input : collab.textOf(id, cellId) ?? c.version.input);
    const next = await queries.addCellVersion(db, { cellId, type, input, createdBy: actor.username, at: deps.clock.now(), keep: opts.keepVersions, status: status(type) });
    await queries.updateNotebook(db, id, {}, deps.clock.now());
    await collab.markVersion(id, cellId, next.version.seq);
    return next;
  }

  return {
    async addCell(actor: Principal, id: string, p: { type: CellType; input?: string; position?: number }) {
      await loadForEdit(deps, actor, id);
      const type = cleanType(p.type, "vql");
      const now = deps.clock.now();
      const cellId = deps.ids.cellId();
      const created = await queries.createCell(db, { id: cellId, notebookId: id, type, input: cleanInput(p.input), createdBy: actor.username, at: now, position: p.position });
      await collab.setText(id, cellId, created.version.input, created.version.seq);
      const nb = await queries.getNotebookById(db, id);
      publish(deps, id, { type: "cells", order: nb.cellOrder, by: actor.username });
      return announce(id, cellId, actor.username);
    },

    async moveCell(actor: Principal, id: string, cellId: string, position: number) {
      const nb = await loadForEdit(deps, actor, id);
      if (!nb.cellOrder.includes(cellId)) throw new ServiceError("not_found", `no cell ${cellId} in notebook ${id}`);
      const order = nb.cellOrder.filter((c) => c !== cellId);
      const at = Math.max(0, Math.min(order.length, Math.trunc(Number(position) || 0)));
      order.splice(at, 0, cellId);
      await queries.updateNotebook(db, id, { cellOrder: order }, deps.clock.now());
      publish(deps, id, { type: "cells", order, by: actor.username });
      return order;
    },

    async deleteCell(actor: Principal, id: string, cellId: string) {
      await loadForEdit(deps, actor, id);
      await cellIn(id, cellId);
      await queue.cancel(cellId);
      await queries.deleteCell(db, id, cellId, deps.clock.now());
      await collab.removeCell(id, cellId);
      publish(deps, id, { type: "cell-deleted", cellId, by: actor.username });
    },

    async saveCell(actor: Principal, id: string, cellId: string, p: { input: string; type?: CellType }) {
      await loadForEdit(deps, actor, id);
      await newVersion(actor, id, cellId, p, (type) => (type === "markdown" ? "done" : "edited"));
      return announce(id, cellId, actor.username);
    },

    async runCell(actor: Principal, id: string, cellId: string, p: { input?: string; type?: CellType }) {
      const nb = await loadForEdit(deps, actor, id);
      const current = await cellIn(id, cellId);
      const type = cleanType(p.type, current.version.type as CellType);
      if (type === "vql" && !actor.permissions.has("ANY_QUERY")) throw new ServiceError("forbidden", "running VQL needs the ANY_QUERY permission");
      if (queue.isBusy(cellId)) await queue.cancel(cellId);
      else cancelElsewhere(current.version);
      const next = await newVersion(actor, id, cellId, { ...p, type }, (t) => (t === "markdown" ? "done" : "queued"));
      if (type !== "vql") return announce(id, cellId, actor.username);
      await queries.updateVersionRun(db, next.version.id, { runOwner: deps.node.nodeId });
      const limits = runLimits(nb.settings as NotebookSettings, opts, await deps.limits.forPrincipal(actor));
      // The queued view goes out before the run can start, so viewers never see it after "running".
      const view = await announce(id, cellId, actor.username);
      queue.enqueue(
        {
          notebookId: id,
          cellId,
          versionId: next.version.id,
          version: next.version.seq,
          input: next.version.input,
          principal: actor,
          env: cellEnv(nb, cellId),
          timeoutMs: limits.timeoutMs,
          maxRows: limits.maxRows,
          notes: limits.notes,
        },
        () => void announce(id, cellId, actor.username).catch(() => {}),
      );
      return view;
    },

    async cancelCell(actor: Principal, id: string, cellId: string) {
      await loadForEdit(deps, actor, id);
      const c = await cellIn(id, cellId);
      if (!(await queue.cancel(cellId))) {
        // Not running here: on the process that owns the run, if it is alive.
        if (c.version.status !== "queued" && c.version.status !== "running") throw new ServiceError("conflict", "this cell is not running");
        if (!cancelElsewhere(c.version)) {
          await queries.markInterruptedRuns(db, deps.clock.now(), deps.node.liveNodeIds());
          throw new ServiceError("conflict", "the process that ran this cell is gone; the run is marked interrupted");
        }
        if (!(await settled(c.version.id, CANCEL_WAIT_MS))) throw new ServiceError("conflict", "the process running this cell did not confirm the cancel in time");
      }
      await deps.audit.record(actor, "notebook_cancel", { notebook: id, cell: cellId });
    },

    async revertCell(actor: Principal, id: string, cellId: string, step: -1 | 1, draft?: string) {
      await loadForEdit(deps, actor, id);
      let c = await cellIn(id, cellId);
      if (queue.isBusy(cellId)) throw new ServiceError("conflict", "this cell is running; cancel it before undo or redo");
      if (step === -1 && typeof draft === "string" && draft !== c.version.input) {
        c = await queries.addCellVersion(db, { cellId, type: c.version.type, input: cleanInput(draft), createdBy: actor.username, at: deps.clock.now(), keep: opts.keepVersions });
      }
      const target = c.versions[c.versions.indexOf(c.version.seq) + step];
      if (target === undefined) throw new ServiceError("conflict", step < 0 ? "there is nothing to undo" : "there is nothing to redo");
      const moved = await queries.setCurrentVersion(db, cellId, target, deps.clock.now());
      await collab.setText(id, cellId, moved.version.input, moved.version.seq);
      return announce(id, cellId, actor.username);
    },
  };
}
