"use client";
// One notebook cell: its toolbar (run, cancel, undo/redo, move, add, delete, copy link, format,
// type, save as artifact), who else is in it, its editor (VQL) or Markdown view/editor, and its
// output. Talks to the cell routes itself and hands back what the server answered.
import dynamic from "next/dynamic";
import { memo, useEffect, useRef, useState } from "react";
import type { CellType, CellView } from "@/engine";
import { callApi } from "../api";
import type { VqlModelContext } from "../monaco/vql-language";
import type { CellEditorHandle } from "./cell-editor";
import { CellOutput, errorCount, Markdown, statusText } from "./cell-output";
import type { CollabSession, PresenceState } from "./collab";

const CellEditor = dynamic(() => import("./cell-editor"), { ssr: false, loading: () => <div className="cell-editor loading">Loading editor…</div> });

export interface CellProps {
  notebookId: string;
  cell: CellView;
  index: number;
  count: number;
  canEdit: boolean;
  canRun: boolean;
  collab?: CollabSession;
  inline: Record<string, string[]>;
  present: PresenceState[];
  context: VqlModelContext;
  highlighted: boolean;
  /** Focus this cell's editor once it is shown (a cell just added by Shift+Enter). */
  autoFocus?: boolean;
  editorRef(index: number, h: CellEditorHandle | null): void;
  onCell(cell: CellView): void;
  onFocusCell(cellId: string): void;
  onFocusNext(index: number): void;
  onPromote(cell: CellView, text: string): void;
  onError(message: string): void;
}

export const Cell = memo(function Cell(p: CellProps) {
  const { cell, notebookId } = p;
  const base = `/api/notebooks/${encodeURIComponent(notebookId)}/cells/${encodeURIComponent(cell.id)}`;
  const handle = useRef<CellEditorHandle | null>(null);
  const [editing, setEditing] = useState(cell.type === "vql" || !cell.input.trim());
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const busy = cell.status === "running" || cell.status === "queued";
  const at = cell.versions.indexOf(cell.version);
  const text = () => handle.current?.getValue() ?? cell.input;
  // The editor's text differs from the version that ran: its output is not of this text.
  const [changed, setChanged] = useState(false);
  useEffect(() => setChanged(Boolean(handle.current) && handle.current!.getValue() !== cell.input), [cell.input, cell.version]);
  const ran = cell.type === "vql" && !busy && cell.status !== "edited";

  async function act(fn: () => Promise<unknown>) {
    try {
      await fn();
    } catch (err) {
      p.onError((err as Error).message);
    }
  }

  const run = (input: string, next: boolean) =>
    act(async () => {
      if (!p.canRun && cell.type === "vql") throw new Error("your role cannot run queries here");
      const res = await callApi<{ cell: CellView }>("POST", `${base}/run`, { input, type: cell.type });
      p.onCell(res.cell);
      if (cell.type === "markdown") setEditing(false);
      if (next) p.onFocusNext(p.index);
    });

  const save = (type: CellType = cell.type) =>
    act(async () => {
      const res = await callApi<{ cell: CellView }>("PUT", base, { input: text(), type });
      p.onCell(res.cell);
      if (res.cell.type === "markdown") setEditing(false);
      else setEditing(true);
    });

  const revert = (step: -1 | 1) =>
    act(async () => {
      const res = await callApi<{ cell: CellView }>("POST", `${base}/revert`, { step, draft: text() });
      p.onCell(res.cell);
    });

  const move = (position: number) => act(() => callApi("POST", `${base}/move`, { position }));
  const add = (type: CellType) => act(() => callApi("POST", `/api/notebooks/${encodeURIComponent(notebookId)}/cells`, { type, position: p.index + 1 }));

  async function copyLink() {
    const url = `${location.origin}/notebooks/${notebookId}?cell=${cell.id}`;
    try {
      await navigator.clipboard.writeText(url);
      setNote("Link copied");
    } catch {
      setNote(url);
    }
    setTimeout(() => setNote(null), 4000);
  }

  const others = p.present.filter((u) => u.cell === cell.id);
  return (
    <section
      id={cell.id}
      className={`cell cell-${cell.type}${p.highlighted ? " highlighted" : ""}${busy ? " busy" : ""}`}
      data-testid="cell"
      data-cell-id={cell.id}
      data-status={cell.status}
      aria-label={`Cell ${p.index + 1}`}
    >
      <div className="cell-bar">
        <span className="cell-kind">{cell.type === "vql" ? "VQL" : "Markdown"}</span>
        <span className={`cell-status${cell.status === "done" && cell.type === "vql" && errorCount(cell) ? " has-errors" : ""}`} data-testid="cell-status">
          {statusText(cell)}
        </span>
        {ran && changed ? (
          <span className="muted" data-testid="changed-since-run">
            changed since run
          </span>
        ) : null}
        {others.length ? (
          <span className="cell-present" data-testid="cell-present">
            {others.map((u) => (
              <span key={u.clientId} className="presence-dot" style={{ background: u.color }} title={`${u.name} is here`}>
                {u.name}
              </span>
            ))}
          </span>
        ) : null}
        <span className="spacer" />
        {note ? (
          <span className="cell-note" role="status">
            {note}
          </span>
        ) : null}
        {p.canEdit ? (
          <>
            {cell.type === "vql" ? (
              busy ? (
                <button type="button" className="danger" onClick={() => act(() => callApi("POST", `${base}/cancel`))} data-testid="cancel-cell">
                  Cancel
                </button>
              ) : (
                <button type="button" className="primary" onClick={() => run(text(), false)} title="Run (Ctrl+Enter)" data-testid="run-cell" disabled={!p.canRun}>
                  Run
                </button>
              )
            ) : editing ? (
              <button type="button" className="primary" onClick={() => save("markdown")} data-testid="markdown-done">
                Done
              </button>
            ) : (
              <button type="button" onClick={() => setEditing(true)} data-testid="markdown-edit">
                Edit
              </button>
            )}
            <button type="button" onClick={() => revert(-1)} disabled={busy} title="Undo: back to the previous version" data-testid="undo-cell">
              Undo
            </button>
            <button type="button" onClick={() => revert(1)} disabled={busy || at < 0 || at >= cell.versions.length - 1} title="Redo" data-testid="redo-cell">
              Redo
            </button>
            <button type="button" onClick={() => move(p.index - 1)} disabled={p.index === 0} title="Move up" aria-label="Move up" data-testid="move-up">
              ↑
            </button>
            <button type="button" onClick={() => move(p.index + 1)} disabled={p.index >= p.count - 1} title="Move down" aria-label="Move down" data-testid="move-down">
              ↓
            </button>
          </>
        ) : null}
        <button type="button" onClick={copyLink} title="Copy a link to this cell" data-testid="copy-link">
          Link
        </button>
        {p.canEdit ? (
          <details className="cell-menu">
            <summary aria-label="More cell actions">⋯</summary>
            <div className="menu">
              <button type="button" onClick={() => add("vql")} data-testid="add-vql-below">
                Add VQL cell below
              </button>
              <button type="button" onClick={() => add("markdown")} data-testid="add-markdown-below">
                Add Markdown cell below
              </button>
              {cell.type === "vql" ? (
                <>
                  <button type="button" onClick={() => handle.current?.format()} data-testid="format-vql">
                    Format VQL
                  </button>
                  <button type="button" onClick={() => p.onPromote(cell, text())} data-testid="save-as-artifact">
                    Save as artifact
                  </button>
                  <button type="button" onClick={() => save("markdown")}>
                    Change to Markdown
                  </button>
                </>
              ) : (
                <button type="button" onClick={() => save("vql")}>
                  Change to VQL
                </button>
              )}
              {confirmDelete ? (
                <span className="confirm">
                  Delete this cell?{" "}
                  <button type="button" className="danger" onClick={() => act(() => callApi("DELETE", base))} data-testid="confirm-delete-cell">
                    Delete
                  </button>
                  <button type="button" onClick={() => setConfirmDelete(false)}>
                    Keep
                  </button>
                </span>
              ) : (
                <button type="button" className="danger" onClick={() => setConfirmDelete(true)} data-testid="delete-cell">
                  Delete cell
                </button>
              )}
            </div>
          </details>
        ) : null}
      </div>
      {cell.type === "markdown" && !editing ? (
        <div onDoubleClick={() => p.canEdit && setEditing(true)}>
          <Markdown text={cell.input} testId="markdown-view" />
        </div>
      ) : (
        <CellEditor
          cellId={cell.id}
          language={cell.type}
          initial={cell.input}
          collab={p.collab}
          readOnly={!p.canEdit}
          autoFocus={p.autoFocus}
          context={p.context}
          onRun={p.canEdit ? (t, next) => (cell.type === "markdown" ? void save("markdown").then(() => next && p.onFocusNext(p.index)) : run(t, next)) : undefined}
          onFocus={() => p.onFocusCell(cell.id)}
          onChange={(t) => setChanged(t !== cell.input)}
          handle={(h) => {
            handle.current = h;
            p.editorRef(p.index, h);
          }}
        />
      )}
      {cell.type === "vql" ? <CellOutput notebookId={notebookId} cell={cell} inline={p.inline} onJump={(line, col) => handle.current?.goTo(line, col)} /> : null}
    </section>
  );
});
