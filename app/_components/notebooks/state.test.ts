import { describe, expect, it } from "vitest";
import type { CellView, NotebookView } from "@/engine";
import { applyEvent, inlineKey, mergeLoaded, type NotebookState } from "./state";

const cell = (id: string, over: Partial<CellView> = {}): CellView => ({
  id, type: "vql", input: "", version: 1, versions: [1], status: "edited", runBy: null, startedAt: null, finishedAt: null,
  durationMs: null, output: [], tables: [], logs: [], logCount: 0, error: null, modifiedAt: "", ...over,
});
const state = (cells: CellView[]): NotebookState => ({
  notebook: { id: "N.1", name: "n", description: "", creator: "a", collaborators: [], isPublic: false, createdAt: "", modifiedAt: "", cellCount: cells.length, env: [], parameters: [], settings: {}, cells, access: { canEdit: true, canRun: true, isOwner: true }, limits: { role: "analyst", maxTimeoutSeconds: 3600, maxRows: 5_000_000, maxConcurrent: 2 } } as NotebookView,
  inline: {},
  stale: 0,
});
const table = { id: 7, idx: 0, columns: ["A"], rowCount: 2, truncated: false, complete: false };

describe("applyEvent()", () => {
  it("appends streamed rows in order and adds the table to the cell's output", () => {
    let s = state([cell("NC.1", { status: "running" })]);
    s = applyEvent(s, { type: "rows", cellId: "NC.1", version: 1, table, from: 0, rows: ['{"A":1}', '{"A":2}'] });
    s = applyEvent(s, { type: "rows", cellId: "NC.1", version: 1, table: { ...table, rowCount: 3 }, from: 2, rows: ['{"A":3}'] });
    expect(s.inline[inlineKey("NC.1", 1, 0)]).toEqual(['{"A":1}', '{"A":2}', '{"A":3}']);
    expect(s.notebook.cells[0]!.tables[0]!.rowCount).toBe(3);
    expect(s.notebook.cells[0]!.output).toEqual([{ kind: "table", table: 0 }]);
  });

  it("ignores rows of an older version and asks for a reload on unknown cells or newer versions", () => {
    let s = state([cell("NC.1", { version: 2, versions: [1, 2] })]);
    s = applyEvent(s, { type: "rows", cellId: "NC.1", version: 1, table, from: 0, rows: ['{"A":1}'] });
    expect(s.notebook.cells[0]!.tables).toEqual([]);
    expect(s.stale).toBe(0);
    s = applyEvent(s, { type: "cell-status", cellId: "NC.1", version: 3, status: "running", durationMs: null, error: null });
    expect(s.stale).toBe(1);
    s = applyEvent(s, { type: "cells", order: ["NC.1", "NC.9"], by: "b" });
    expect(s.stale).toBe(2);
  });

  it("keeps a queued run's waiting note when the saved view of the same version arrives after it", () => {
    let s = state([cell("NC.1", { version: 2, versions: [1, 2], status: "queued" })]);
    s = applyEvent(s, { type: "cell-status", cellId: "NC.1", version: 2, status: "queued", durationMs: null, error: null, waiting: "waiting: you have 1 running (your role's limit is 1)" });
    s = applyEvent(s, { type: "cell", cell: cell("NC.1", { version: 2, versions: [1, 2], status: "queued" }), by: "a" });
    expect(s.notebook.cells[0]!.waiting).toBe("waiting: you have 1 running (your role's limit is 1)");
    // The run request's own "queued" may come after the queue's note: the note stays.
    s = applyEvent(s, { type: "cell-status", cellId: "NC.1", version: 2, status: "queued", durationMs: null, error: null });
    expect(s.notebook.cells[0]!.waiting).toBe("waiting: you have 1 running (your role's limit is 1)");
    // Once it runs, or at another version, the note is gone.
    s = applyEvent(s, { type: "cell", cell: cell("NC.1", { version: 2, versions: [1, 2], status: "running" }), by: "a" });
    expect(s.notebook.cells[0]!.waiting).toBeUndefined();
  });

  it("a view or status of the same version behind what was seen (the run request's answer after the socket's running) does not put the cell back", () => {
    let s = state([cell("NC.1", { version: 3, versions: [1, 2, 3], status: "queued" })]);
    s = applyEvent(s, { type: "cell-status", cellId: "NC.1", version: 3, status: "running", durationMs: null, error: null });
    s = applyEvent(s, { type: "cell", cell: cell("NC.1", { version: 3, versions: [1, 2, 3], status: "queued" }), by: "a" });
    expect(s.notebook.cells[0]!.status).toBe("running");
    s = applyEvent(s, { type: "cell-status", cellId: "NC.1", version: 3, status: "done", durationMs: 40, error: null });
    s = applyEvent(s, { type: "cell-status", cellId: "NC.1", version: 3, status: "running", durationMs: null, error: null });
    expect(s.notebook.cells[0]).toMatchObject({ status: "done", durationMs: 40 });
    // A new version starts again from queued.
    s = applyEvent(s, { type: "cell", cell: cell("NC.1", { version: 4, versions: [1, 2, 3, 4], status: "queued" }), by: "a" });
    expect(s.notebook.cells[0]).toMatchObject({ version: 4, status: "queued" });
  });

  it("reorders and deletes cells, and leaves hub messages alone", () => {
    let s = state([cell("NC.1"), cell("NC.2")]);
    s = applyEvent(s, { type: "cells", order: ["NC.2", "NC.1"], by: "b" });
    expect(s.notebook.cells.map((c) => c.id)).toEqual(["NC.2", "NC.1"]);
    s = applyEvent(s, { type: "cell-deleted", cellId: "NC.2", by: "b" });
    expect(s.notebook.cells.map((c) => c.id)).toEqual(["NC.1"]);
    expect(applyEvent(s, { type: "subscribed" } as never)).toBe(s);
  });
});

describe("mergeLoaded(): a notebook read again", () => {
  it("replaces the cells, except one whose run at the same version the page saw get further", () => {
    const s = state([cell("a", { version: 2, status: "done" }), cell("b", { version: 1, status: "running" }), cell("c", { version: 1, status: "done" })]);
    const loaded = state([cell("a", { version: 2, status: "running" }), cell("b", { version: 1, status: "done" }), cell("c", { version: 2, status: "queued" }), cell("d")]).notebook;
    const m = mergeLoaded(s, loaded).notebook.cells;
    // a: the read began before the end the page already applied; b: the read is newer; c: a new run; d: new.
    expect(m.map((c) => [c.id, c.version, c.status])).toEqual([
      ["a", 2, "done"],
      ["b", 1, "done"],
      ["c", 2, "queued"],
      ["d", cell("d").version, cell("d").status],
    ]);
  });
});
