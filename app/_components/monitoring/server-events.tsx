"use client";
// The Server events tab: the server event table's artifacts with each query's state (running,
// failed with its error, skipped, ended…), rows since it started, last row time, restarts and
// who added it; Add (artifact picker and parameter form), Edit parameters, Remove (confirmed).
// The selected artifact's live tail, stored rows and logs below. States are re-read every 3 s
// (the server writes them every 2 s), and after every change made here.
import { useCallback, useEffect, useState } from "react";
import { callApi } from "@/app/_components/api";
import { ago } from "@/app/_components/clients/format";
import { AddArtifactDialog, type Editing } from "./add-artifact-dialog";
import { ConfirmButton } from "./confirm-button";
import { EventDetails } from "./event-details";
import { time } from "./event-rows";
import { StateBadge } from "./state-badge";
import type { ServerState, ServerTableView } from "./types";

const POLL_MS = 3000;

export function ServerEvents({ canEdit }: { canEdit: boolean }) {
  const [view, setView] = useState<ServerTableView | undefined>();
  const [selected, setSelected] = useState("");
  const [queue, setQueue] = useState("");
  const [dialog, setDialog] = useState<{ editing?: Editing } | undefined>();
  const [error, setError] = useState("");

  const load = useCallback(async () => {
    try {
      setView(await callApi<ServerTableView>("GET", "/api/monitoring/server"));
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(t);
  }, [load]);

  async function remove(artifact: string) {
    try {
      await callApi("DELETE", `/api/monitoring/server/artifacts?artifact=${encodeURIComponent(artifact)}`);
      if (selected === artifact) setSelected("");
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const statesOf = (artifact: string): ServerState[] => view?.status.filter((s) => s.artifact === artifact) ?? [];
  const entries = view?.table.artifacts ?? [];
  const queues = selected ? statesOf(selected).map((s) => s.name) : [];
  const currentQueue = queues.includes(queue) ? queue : (queues[0] ?? selected);

  return (
    <div data-testid="server-events">
      <div className="row between">
        <p className="muted">
          SERVER_EVENT artifacts the server runs continuously, each as the user who added it.
          {view?.updatedBy ? ` Last changed by ${view.updatedBy}${view.updatedAt ? ` ${ago(view.updatedAt)}` : ""}.` : ""}
        </p>
        {canEdit ? (
          <button type="button" className="primary" onClick={() => setDialog({})} data-testid="server-add">
            Add artifact
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {!view ? (
        <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted" data-testid="server-empty">
          The server event table is empty.
        </p>
      ) : (
        <table className="data" data-testid="server-table">
          <thead>
            <tr>
              <th>Artifact</th>
              <th>State</th>
              <th>Rows since start</th>
              <th>Last row (UTC)</th>
              <th>Restarts</th>
              <th>Added by</th>
              <th>Parameters</th>
              {canEdit ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const states = statesOf(e.artifact);
              return (
                <tr key={e.artifact} className={e.artifact === selected ? "selected" : ""} data-testid={`server-row-${e.artifact}`}>
                  <td>
                    <button type="button" className="link" onClick={() => setSelected(e.artifact)} data-testid={`server-select-${e.artifact}`}>
                      {e.artifact}
                    </button>
                  </td>
                  <td>
                    {states.length ? (
                      states.map((s) => (
                        <div key={s.name} title={`${s.name} on ${s.nodeId}`}>
                          {states.length > 1 ? <span className="muted small">{s.name} </span> : null}
                          <StateBadge state={s.state} error={s.error} />
                        </div>
                      ))
                    ) : (
                      <StateBadge state="pending" />
                    )}
                  </td>
                  <td data-testid="event-rows">{states.reduce((n, s) => n + s.rows, 0).toLocaleString()}</td>
                  <td className="nowrap">{time(states.map((s) => s.lastRowAt ?? "").sort().pop()) || <span className="muted">none yet</span>}</td>
                  <td>{states.reduce((n, s) => n + s.restarts, 0)}</td>
                  <td>
                    {e.addedBy} <span className="muted small">{ago(e.addedAt)}</span>
                  </td>
                  <td className="mono small">{Object.entries(e.parameters).map(([k, v]) => `${k}=${v}`).join(", ")}</td>
                  {canEdit ? (
                    <td className="nowrap">
                      <button type="button" onClick={() => setDialog({ editing: { artifact: e.artifact, parameters: e.parameters } })} data-testid={`server-edit-${e.artifact}`}>
                        Edit parameters
                      </button>{" "}
                      <ConfirmButton label="Remove" question={`Remove ${e.artifact}?`} onConfirm={() => void remove(e.artifact)} testId={`server-remove-${e.artifact}`} />
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {selected ? (
        <div className="panel event-panel">
          <div className="row between">
            <h2>{selected}</h2>
            {queues.length > 1 ? (
              <label>
                Source
                <select value={currentQueue} onChange={(e) => setQueue(e.target.value)}>
                  {queues.map((q) => (
                    <option key={q}>{q}</option>
                  ))}
                </select>
              </label>
            ) : null}
          </div>
          <EventDetails key={currentQueue} queue={currentQueue} kind="server" />
        </div>
      ) : entries.length ? (
        <p className="muted">Select an artifact to follow its rows and read its logs.</p>
      ) : null}
      {dialog ? (
        <AddArtifactDialog
          kind="server"
          editing={dialog.editing}
          onClose={() => setDialog(undefined)}
          onSaved={() => {
            setDialog(undefined);
            void load();
          }}
        />
      ) : null}
    </div>
  );
}
