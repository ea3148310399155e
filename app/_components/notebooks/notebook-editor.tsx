"use client";
// An open notebook: header (name, who is here, settings and sharing, export, links), the cells,
// and everything live: cell edits through the shared Yjs document, and cells added, moved,
// deleted, run status and rows through the notebook's topic on /api/ws/ui.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import type { CellView, NotebookEvent, NotebookView } from "@/engine";
import { callApi } from "../api";
import { subscribe } from "../live/ui-socket";
import { Cell } from "./cell";
import type { CellEditorHandle } from "./cell-editor";
import type { CollabSession, PresenceState } from "./collab";
import { NotebookSettingsDialog } from "./settings-dialog";
import { PromoteDialog } from "./promote-dialog";
import { applyEvent, mergeLoaded, type NotebookState } from "./state";

type Action = { kind: "event"; event: NotebookEvent } | { kind: "load"; notebook: NotebookView } | { kind: "cell"; cell: CellView };

function reducer(s: NotebookState, a: Action): NotebookState {
  switch (a.kind) {
    case "event":
      return applyEvent(s, a.event);
    case "load":
      return mergeLoaded(s, a.notebook);
    case "cell":
      return applyEvent(s, { type: "cell", cell: a.cell, by: "" });
  }
}

export function NotebookEditor({ initial, me, focusCell }: { initial: NotebookView; me: string; focusCell?: string }) {
  const [state, dispatch] = useReducer(reducer, { notebook: initial, inline: {}, stale: 0 });
  const nb = state.notebook;
  const [collab, setCollab] = useState<CollabSession | undefined>(undefined);
  const [presence, setPresence] = useState<PresenceState[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [promote, setPromote] = useState<{ cell: CellView; text: string } | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const editors = useRef<(CellEditorHandle | null)[]>([]);

  // The tab says which notebook this is, and follows a rename.
  useEffect(() => {
    document.title = `${nb.name || "Notebook"} · Talon`;
  }, [nb.name]);

  const reload = useCallback(async () => {
    try {
      const res = await callApi<{ notebook: NotebookView }>("GET", `/api/notebooks/${encodeURIComponent(initial.id)}`);
      dispatch({ kind: "load", notebook: res.notebook });
    } catch (err) {
      setError((err as Error).message);
    }
  }, [initial.id]);

  useEffect(() => {
    // Progress-only row events (a growing count, no inline rows) are coalesced to four a second
    // so a million-row run does not re-render the page a hundred times; everything else, and
    // anything after a pending progress event, is applied in arrival order.
    const pending = new Map<string, NotebookEvent>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const e of pending.values()) dispatch({ kind: "event", event: e });
      pending.clear();
    };
    const off = subscribe(
      `notebook:${initial.id}`,
      (m) => {
        const e = m as unknown as NotebookEvent;
        if (e.type === "rows" && !e.rows?.length && !e.table.complete) {
          pending.set(`${e.cellId}:${e.version}:${e.table.idx}`, e);
          timer ??= setTimeout(flush, 250);
          return;
        }
        flush();
        dispatch({ kind: "event", event: e });
      },
      () => void reload(),
      // Once the topic is live, read the notebook again: what changed between the page's
      // render and the subscription (a cell that finished meanwhile) sent events nobody heard.
      (live) => {
        if (live) void reload();
      },
    );
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [initial.id, reload]);

  useEffect(() => {
    if (!state.stale) return;
    const t = setTimeout(() => void reload(), 30);
    return () => clearTimeout(t);
  }, [state.stale, reload]);

  useEffect(() => {
    // Loaded here, not at module level: Yjs stays out of the server render.
    let session: CollabSession | undefined;
    let off: (() => void) | undefined;
    let cancelled = false;
    void import("./collab").then(({ openCollab }) => {
      if (cancelled) return;
      session = openCollab(initial.id, me);
      setCollab(session);
      const s = session;
      const update = () => setPresence(s.presence());
      off = s.onPresence(update);
      update();
    });
    return () => {
      cancelled = true;
      off?.();
      session?.destroy();
      setCollab(undefined);
    };
  }, [initial.id, me]);

  useEffect(() => {
    if (!focusCell) return;
    const t = setTimeout(() => document.getElementById(focusCell)?.scrollIntoView({ block: "start" }), 200);
    return () => clearTimeout(t);
  }, [focusCell]);

  const knownNames = useMemo(() => [...nb.parameters.map((p) => p.name), ...nb.env.map((e) => e.key), "NotebookId", "NotebookCellId"], [nb.parameters, nb.env]);
  // Per-cell editor context, kept identical while a cell's columns do not change (so cells
  // whose props did not change skip re-rendering).
  const contextCache = useRef(new Map<string, { key: string; value: { columns: string[]; knownNames: string[] } }>());
  const contextOf = (c: CellView) => {
    const columns = Array.from(new Set(c.tables.flatMap((t) => t.columns)));
    const key = columns.join("\u0000");
    const hit = contextCache.current.get(c.id);
    if (hit && hit.key === key && hit.value.knownNames === knownNames) return hit.value;
    const value = { columns, knownNames };
    contextCache.current.set(c.id, { key, value });
    return value;
  };
  const others = useMemo(() => presence.filter((u) => u.clientId !== collab?.doc.clientID), [presence, collab]);
  const onCell = useCallback((cell: CellView) => dispatch({ kind: "cell", cell }), []);
  const onFocusCell = useCallback((id: string) => collab?.setCell(id), [collab]);
  const editorRef = useCallback((index: number, h: CellEditorHandle | null) => void (editors.current[index] = h), []);
  const onPromote = useCallback((cell: CellView, text: string) => setPromote({ cell, text }), []);
  const addCellRef = useRef<(type: "vql" | "markdown") => Promise<string | undefined>>(async () => undefined);
  // Shift+Enter in the last cell adds one; its editor takes the focus when it mounts.
  const [autoFocusId, setAutoFocusId] = useState<string | null>(null);
  const onFocusNext = useCallback((index: number) => {
    const next = editors.current[index + 1];
    if (next) next.focus();
    else void addCellRef.current("vql").then((id) => id && setAutoFocusId(id));
  }, []);

  const remoteStyles = presence
    .filter((u) => u.clientId !== collab?.doc.clientID)
    .map(
      (u) =>
        `.yRemoteSelection-${u.clientId}{background-color:${u.color}33}.yRemoteSelectionHead-${u.clientId}{border-left:2px solid ${u.color};position:absolute;height:100%}` +
        `.yRemoteSelectionHead-${u.clientId}::after{content:${JSON.stringify(u.name)};position:absolute;top:-1.1em;left:-2px;font-size:10px;background:${u.color};color:#fff;padding:0 3px;border-radius:3px;white-space:nowrap}`,
    )
    .join("\n");
  const people = Array.from(new Map(presence.map((u) => [u.name, u])).values());

  async function addCell(type: "vql" | "markdown"): Promise<string | undefined> {
    try {
      const res = await callApi<{ cell: CellView }>("POST", `/api/notebooks/${encodeURIComponent(nb.id)}/cells`, { type });
      return res.cell.id;
    } catch (err) {
      setError((err as Error).message);
      return undefined;
    }
  }
  addCellRef.current = addCell;

  async function copyNotebookLink() {
    try {
      await navigator.clipboard.writeText(`${location.origin}/notebooks/${nb.id}`);
      setNote("Link copied");
    } catch {
      setNote(`${location.origin}/notebooks/${nb.id}`);
    }
    setTimeout(() => setNote(null), 4000);
  }

  if (state.deleted) {
    return (
      <section>
        <h1>{nb.name}</h1>
        <p className="notice error" role="alert">
          This notebook was deleted by {state.deleted}.
        </p>
      </section>
    );
  }

  return (
    <section className="notebook" data-testid="notebook" data-notebook-id={nb.id}>
      <style>{remoteStyles}</style>
      <header className="nb-head">
        <div>
          <h1 data-testid="notebook-name">{nb.name}</h1>
          {nb.description ? <p className="muted nb-desc">{nb.description}</p> : null}
          <p className="muted nb-meta">
            {nb.id} · by {nb.creator}
            {nb.isPublic ? " · public" : nb.collaborators.length ? ` · shared with ${nb.collaborators.join(", ")}` : " · private"}
            {nb.access.canEdit ? "" : " · read only"}
          </p>
        </div>
        <div className="nb-actions">
          <div className="presence" data-testid="presence" aria-label="People in this notebook">
            {people.map((u) => (
              <span key={u.name} className="presence-chip" style={{ borderColor: u.color }} title={u.name === me ? "you" : `${u.name} is here`}>
                <span className="presence-dot" style={{ background: u.color }} />
                {u.name}
              </span>
            ))}
          </div>
          {note ? <span role="status">{note}</span> : null}
          <button type="button" onClick={copyNotebookLink} data-testid="copy-notebook-link">
            Copy link
          </button>
          <button type="button" onClick={() => setSettingsOpen(true)} data-testid="notebook-settings">
            {nb.access.canEdit ? "Settings & sharing" : "Details"}
          </button>
          <a className="button" href={`/api/notebooks/${encodeURIComponent(nb.id)}/export?format=md`} data-testid="export-md">
            Export text
          </a>
          <a className="button" href={`/api/notebooks/${encodeURIComponent(nb.id)}/export?format=html`} data-testid="export-html">
            Export HTML
          </a>
        </div>
      </header>
      {error ? (
        <p className="notice error" role="alert" onClick={() => setError(null)}>
          {error}
        </p>
      ) : null}
      {nb.cells.map((c, i) => (
        <Cell
          key={c.id}
          notebookId={nb.id}
          cell={c}
          index={i}
          count={nb.cells.length}
          canEdit={nb.access.canEdit}
          canRun={nb.access.canRun}
          collab={collab}
          inline={state.inline}
          present={others}
          context={contextOf(c)}
          highlighted={focusCell === c.id}
          autoFocus={autoFocusId === c.id}
          editorRef={editorRef}
          onCell={onCell}
          onFocusCell={onFocusCell}
          onFocusNext={onFocusNext}
          onPromote={onPromote}
          onError={setError}
        />
      ))}
      {nb.access.canEdit ? (
        <div className="nb-add">
          <button type="button" onClick={() => addCell("vql")} data-testid="add-vql">
            + VQL cell
          </button>
          <button type="button" onClick={() => addCell("markdown")} data-testid="add-markdown">
            + Markdown cell
          </button>
        </div>
      ) : null}
      {settingsOpen ? <NotebookSettingsDialog notebook={nb} onClose={() => setSettingsOpen(false)} onSaved={(n) => dispatch({ kind: "load", notebook: n })} /> : null}
      {promote ? <PromoteDialog notebook={nb} cell={promote.cell} query={promote.text} onClose={() => setPromote(null)} /> : null}
    </section>
  );
}
