"use client";
// "Event rows around": the alert's source artifact rows from its client in a window either
// side of its last occurrence (read on demand, the window chosen here), the VQL that reads
// the same window, and "Open in notebook" (a new notebook of the alert's cells).
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "../api";
import { DataTable } from "../clients/data-table";
import { time } from "../monitoring/event-rows";
import type { ContextJson } from "./types";

const WINDOWS = [60, 300, 900, 3600, 6 * 3600];
const windowLabel = (s: number) => (s < 3600 ? `±${s / 60} min` : `±${s / 3600} h`);

function columnsOf(rows: Array<Record<string, unknown>>): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

export function AlertContextRows({ alertId, canNotebook }: { alertId: string; canNotebook: boolean }) {
  const router = useRouter();
  const [windowSeconds, setWindow] = useState(300);
  const [context, setContext] = useState<ContextJson | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const base = `/api/alerts/${encodeURIComponent(alertId)}`;

  async function load(w = windowSeconds) {
    setBusy(true);
    try {
      setContext((await callApi<{ context: ContextJson }>("GET", `${base}/context?window=${w}`)).context);
      setError("");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function openNotebook() {
    setBusy(true);
    try {
      const { notebookId } = await callApi<{ notebookId: string }>("POST", `${base}/notebook`, { window: windowSeconds });
      router.push(`/notebooks/${encodeURIComponent(notebookId)}`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }

  return (
    <div className="alert-context" data-testid="alert-context">
      <div className="row">
        <label>
          Window
          <select
            value={windowSeconds}
            onChange={(e) => {
              const w = Number(e.target.value);
              setWindow(w);
              if (context) void load(w);
            }}
            data-testid="alert-context-window"
          >
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                {windowLabel(w)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={busy} onClick={() => void load()} data-testid="alert-context-load">
          {context ? "Reload rows" : "Show event rows around"}
        </button>
        <button type="button" disabled={busy || !canNotebook} title={canNotebook ? undefined : "Opening a notebook needs the NOTEBOOK_EDITOR permission"} onClick={() => void openNotebook()} data-testid="alert-open-notebook">
          Open in notebook
        </button>
      </div>
      {error ? <p className="notice error">{error}</p> : null}
      {context ? (
        <>
          <p className="muted small" data-testid="alert-context-summary">
            {context.rows.length.toLocaleString()} row{context.rows.length === 1 ? "" : "s"} of {context.artifact} from {context.clientId}, {time(context.start)} – {time(context.end)} UTC
          </p>
          {context.rows.length ? <DataTable columns={columnsOf(context.rows)} rows={context.rows} testId="alert-context-rows" /> : null}
          <details>
            <summary className="small">The query</summary>
            <pre className="json">{context.query}</pre>
          </details>
        </>
      ) : null}
    </div>
  );
}
