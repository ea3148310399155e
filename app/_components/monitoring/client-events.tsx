"use client";
// The Client events tab: the client event table as Velociraptor shows it, the artifacts every
// client runs and one group per label (its chip), each artifact with its parameters and who
// added it; "Add to all clients", "Add to label group …" (an existing label or a new one), edit
// parameters, remove (confirmed). The selected artifact's live tail across all clients, with the
// ClientId linking to the client's page, and its stored rows. Live: changes to the table made
// anywhere re-read it.
import { useCallback, useEffect, useMemo, useState } from "react";
import { callApi } from "@/app/_components/api";
import { throttle, useLiveTopics } from "@/app/_components/live/use-live-topics";
import { ago } from "@/app/_components/clients/format";
import { LabelChips } from "@/app/_components/clients/label-chips";
import { AddArtifactDialog, type Editing } from "./add-artifact-dialog";
import { ConfirmButton } from "./confirm-button";
import { EventDetails } from "./event-details";
import { query } from "./paged";
import { TABLE_CHANGES } from "./topics";
import type { ClientTableView, TableEntry } from "./types";

interface Group {
  /** undefined: every client. */
  label?: string;
  artifacts: TableEntry[];
}

export function ClientEvents({ canEdit }: { canEdit: boolean }) {
  const [view, setView] = useState<ClientTableView | undefined>();
  const [selected, setSelected] = useState<{ artifact: string; label?: string } | undefined>();
  const [dialog, setDialog] = useState<{ editing?: Editing; label?: string } | undefined>();
  const [error, setError] = useState("");

  const load = useCallback(async () => {
    try {
      setView(await callApi<ClientTableView>("GET", "/api/monitoring/client"));
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const reload = useMemo(() => throttle(() => void load(), 500), [load]);
  useEffect(() => () => reload.cancel(), [reload]);
  // Table changes are journal events: follow their queue (and artifact edits), re-reading on each.
  useLiveTopics([TABLE_CHANGES, "artifacts:changes"], { resync: () => reload.call(), onMessage: () => reload.call() });

  async function remove(artifact: string, label?: string) {
    try {
      await callApi("DELETE", `/api/monitoring/client/artifacts?${query({ artifact, label })}`);
      if (selected?.artifact === artifact && selected.label === label) setSelected(undefined);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const groups: Group[] = view ? [{ artifacts: view.table.artifacts }, ...view.table.labelEvents.map((g) => ({ label: g.label, artifacts: g.artifacts }))] : [];

  return (
    <div data-testid="client-events">
      <div className="row between">
        <p className="muted">
          CLIENT_EVENT artifacts the agents run continuously: for every client, and for the clients carrying a label.
          {view?.updatedBy ? ` Last changed by ${view.updatedBy}${view.updatedAt ? ` ${ago(view.updatedAt)}` : ""}.` : ""}
        </p>
        {canEdit ? (
          <span className="row">
            <button type="button" className="primary" onClick={() => setDialog({})} data-testid="client-add-all">
              Add to all clients
            </button>
            <button type="button" onClick={() => setDialog({ label: "" })} data-testid="client-add-label">
              Add to label group…
            </button>
          </span>
        ) : null}
      </div>
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {!view ? <p className="muted">Loading…</p> : null}
      {groups.map((g) => (
        <div key={g.label ?? ""} className="event-group" data-testid={g.label === undefined ? "group-all" : `group-${g.label}`}>
          <div className="row between">
            <h2>{g.label === undefined ? "Every client" : <>Label group <LabelChips labels={[g.label]} /></>}</h2>
            {canEdit && g.label !== undefined ? (
              <button type="button" onClick={() => setDialog({ label: g.label })} data-testid={`client-add-to-${g.label}`}>
                Add to label group {g.label}
              </button>
            ) : null}
          </div>
          {g.artifacts.length ? (
            <table className="data">
              <thead>
                <tr>
                  <th>Artifact</th>
                  <th>Parameters</th>
                  <th>Added by</th>
                  {canEdit ? <th /> : null}
                </tr>
              </thead>
              <tbody>
                {g.artifacts.map((e) => {
                  const id = `${g.label ?? ""}:${e.artifact}`;
                  const isSelected = selected?.artifact === e.artifact && selected.label === g.label;
                  return (
                    <tr key={e.artifact} className={isSelected ? "selected" : ""} data-testid={`client-row-${id}`}>
                      <td>
                        <button type="button" className="link" onClick={() => setSelected({ artifact: e.artifact, label: g.label })} data-testid={`client-select-${id}`}>
                          {e.artifact}
                        </button>
                      </td>
                      <td className="mono small">{Object.entries(e.parameters).map(([k, v]) => `${k}=${v}`).join(", ")}</td>
                      <td>
                        {e.addedBy} <span className="muted small">{ago(e.addedAt)}</span>
                      </td>
                      {canEdit ? (
                        <td className="nowrap">
                          <button type="button" onClick={() => setDialog({ editing: { artifact: e.artifact, parameters: e.parameters, label: g.label } })} data-testid={`client-edit-${id}`}>
                            Edit parameters
                          </button>{" "}
                          <ConfirmButton
                            label="Remove"
                            question={g.label === undefined ? `Remove ${e.artifact} from every client?` : `Remove ${e.artifact} from label group ${g.label}?`}
                            onConfirm={() => void remove(e.artifact, g.label)}
                            testId={`client-remove-${id}`}
                          />
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : (
            <p className="muted">{g.label === undefined ? "No artifacts for every client." : "No artifacts in this group."}</p>
          )}
        </div>
      ))}
      {selected ? (
        <div className="panel event-panel">
          <h2>
            {selected.artifact} <span className="muted small">rows from every client running it</span>
          </h2>
          <EventDetails key={selected.artifact} queue={selected.artifact} kind="client" />
        </div>
      ) : null}
      {dialog ? (
        <AddArtifactDialog
          kind="client"
          editing={dialog.editing}
          label={dialog.label}
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
