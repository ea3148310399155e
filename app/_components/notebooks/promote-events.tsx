"use client";
// The event part of "Save as artifact": for a SERVER_EVENT or CLIENT_EVENT artifact, a Backtest
// (its query over the stored history of the queues it watches, the last N hours, showing the
// rows it would have produced and what it would have done, applying nothing), then, once the
// artifact is saved, "Add to the server event table" or "Add to the client event table" (for
// every client or a label group).
import { useState } from "react";
import type { BacktestResult } from "@/engine/server/contracts/monitoring";
import { callApi } from "../api";

const SHOWN_ROWS = 50;

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function effectText(e: BacktestResult["effects"][number]): string {
  const a = e.args;
  if (e.builtin === "label") return `label ${cellText(a.client_id)}: ${cellText(a.op)} ${Array.isArray(a.labels) ? a.labels.join(", ") : cellText(a.labels)}`;
  return `${e.builtin}(${Object.entries(a).map(([k, v]) => `${k}=${cellText(v)}`).join(", ")})`;
}

export function PromoteEvents({ type, yaml, saved }: { type: string; yaml: string; saved?: string }) {
  const [hours, setHours] = useState(24);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<BacktestResult | null>(null);
  const [error, setError] = useState("");
  const [label, setLabel] = useState("");
  const [enabled, setEnabled] = useState<{ ok: boolean; text: string } | null>(null);
  if (type !== "SERVER_EVENT" && type !== "CLIENT_EVENT") return null;

  async function backtest() {
    setRunning(true);
    setError("");
    setResult(null);
    try {
      setResult(await callApi<BacktestResult>("POST", "/api/monitoring/backtest", { yaml, hours }));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setRunning(false);
    }
  }

  async function enable() {
    setEnabled(null);
    try {
      if (type === "SERVER_EVENT") await callApi("POST", "/api/monitoring/server/artifacts", { artifact: saved, parameters: {} });
      else await callApi("POST", "/api/monitoring/client/artifacts", { artifact: saved, parameters: {}, ...(label.trim() ? { label: label.trim() } : {}) });
      setEnabled({ ok: true, text: type === "SERVER_EVENT" ? `${saved} runs in the server event table` : `${saved} is in the client event table${label.trim() ? ` for label ${label.trim()}` : " for every client"}` });
    } catch (err) {
      setEnabled({ ok: false, text: (err as Error).message });
    }
  }

  const columns = result ? [...new Set(result.rows.slice(0, SHOWN_ROWS).flatMap((r) => Object.keys(r.row)))] : [];
  return (
    <section className="promote-events" aria-label="Backtest and enable">
      <h3>Backtest, then enable</h3>
      <div className="row">
        <label>
          Replay the last{" "}
          <input type="number" min={1} max={720} value={hours} onChange={(e) => setHours(Math.min(720, Math.max(1, Number(e.target.value) || 1)))} style={{ width: "5em" }} data-testid="backtest-hours" /> hours
        </label>
        <button type="button" onClick={backtest} disabled={running} data-testid="backtest">
          {running ? "Backtesting…" : "Backtest"}
        </button>
      </div>
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {result ? (
        <div data-testid="backtest-result">
          <p>
            <strong>{result.rows.length}</strong> row{result.rows.length === 1 ? "" : "s"}
            {result.truncated ? " (stopped at the row limit)" : ""} from{" "}
            {result.replayed.length ? result.replayed.map((q) => `${q.events} event${q.events === 1 ? "" : "s"} of ${q.queue}`).join(", ") : "no stored queue"} in {result.durationMs} ms;{" "}
            <strong>{result.effects.length}</strong> action{result.effects.length === 1 ? "" : "s"} it would have taken (none applied).
          </p>
          {result.effects.length ? (
            <ul className="backtest-effects" data-testid="backtest-effects">
              {result.effects.slice(0, SHOWN_ROWS).map((e, i) => (
                <li key={i}>{effectText(e)}</li>
              ))}
            </ul>
          ) : null}
          {result.rows.length ? (
            <div className="table-wrap">
              <table className="results">
                <thead>
                  <tr>
                    {columns.map((c) => (
                      <th key={c}>{c}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {result.rows.slice(0, SHOWN_ROWS).map((r, i) => (
                    <tr key={i}>
                      {columns.map((c) => (
                        <td key={c}>{cellText(r.row[c])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {result.logs.filter((l) => l.level !== "DEBUG").length ? (
            <ul className="muted backtest-logs" data-testid="backtest-logs">
              {result.logs.slice(0, 20).map((l, i) => (
                <li key={i} className={l.level === "ERROR" ? "error" : undefined}>
                  {l.level} {l.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="row">
        {type === "CLIENT_EVENT" ? (
          <label>
            For label <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="every client" data-testid="enable-label" />
          </label>
        ) : null}
        <button type="button" onClick={enable} disabled={!saved} title={saved ? undefined : "Save the artifact first"} data-testid="enable-artifact">
          {type === "SERVER_EVENT" ? "Add to the server event table" : "Add to the client event table"}
        </button>
      </div>
      {enabled ? (
        <p className={enabled.ok ? "notice" : "notice error"} role={enabled.ok ? "status" : "alert"} data-testid="enable-result">
          {enabled.text}
          {enabled.ok ? (
            <>
              {" "}
              — <a href="/monitoring">open Monitoring</a>
            </>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}
