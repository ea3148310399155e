"use client";
// A client's Events tab: the event artifacts it runs (every-client ones and those of its label
// groups, from /api/clients/:id/monitoring), and for the chosen one its rows on a chosen UTC day
// (date picker, paged from the server), its logs that day, and a live tail of this client's
// rows (`events:<artifact>@<clientId>`). The list follows label and table changes live.
import { useCallback, useEffect, useMemo, useState } from "react";
import { callApi } from "@/app/_components/api";
import { throttle, useLiveTopics } from "@/app/_components/live/use-live-topics";
import { EventDetails } from "@/app/_components/monitoring/event-details";
import { todayUtc, utcDay } from "@/app/_components/monitoring/tail";
import { TABLE_CHANGES } from "@/app/_components/monitoring/topics";
import { LabelChips } from "./label-chips";

interface ClientEventArtifact {
  artifact: string;
  parameters: Record<string, string>;
  addedBy: string;
  label?: string;
}

export function ClientEventsTab({ clientId }: { clientId: string }) {
  const [artifacts, setArtifacts] = useState<ClientEventArtifact[] | undefined>();
  const [chosen, setChosen] = useState("");
  const [day, setDay] = useState(() => todayUtc());
  const [error, setError] = useState("");

  const load = useCallback(async () => {
    try {
      setArtifacts((await callApi<{ artifacts: ClientEventArtifact[] }>("GET", `/api/clients/${clientId}/monitoring`)).artifacts);
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, [clientId]);
  useEffect(() => {
    void load();
  }, [load]);
  const reload = useMemo(() => throttle(() => void load(), 500), [load]);
  useEffect(() => () => reload.cancel(), [reload]);
  useLiveTopics([`client:${clientId}`, TABLE_CHANGES], { resync: () => reload.call(), onMessage: () => reload.call() });

  const names = [...new Set((artifacts ?? []).map((a) => a.artifact))];
  const current = names.includes(chosen) ? chosen : (names[0] ?? "");
  const range = utcDay(day);

  if (error) return <p className="notice error">{error}</p>;
  if (!artifacts) return <p className="muted">Loading…</p>;
  return (
    <div data-testid="client-events-tab">
      {artifacts.length === 0 ? (
        <p className="muted" data-testid="client-events-none">
          This client runs no event artifacts: none are set for every client or for its labels.
        </p>
      ) : (
        <table className="data" data-testid="client-event-artifacts">
          <thead>
            <tr>
              <th>Artifact</th>
              <th>For</th>
              <th>Parameters</th>
              <th>Added by</th>
            </tr>
          </thead>
          <tbody>
            {artifacts.map((a) => (
              <tr key={`${a.label ?? ""}:${a.artifact}`} className={a.artifact === current ? "selected" : ""} data-testid={`client-event-${a.artifact}`}>
                <td>
                  <button type="button" className="link" onClick={() => setChosen(a.artifact)}>
                    {a.artifact}
                  </button>
                </td>
                <td>{a.label ? <LabelChips labels={[a.label]} /> : <span className="muted">every client</span>}</td>
                <td className="mono small">{Object.entries(a.parameters).map(([k, v]) => `${k}=${v}`).join(", ")}</td>
                <td>{a.addedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {current ? (
        <div className="panel event-panel">
          <div className="row between">
            <h2>{current}</h2>
            <label>
              Day (UTC)
              <input type="date" value={day} onChange={(e) => setDay(e.target.value || todayUtc())} data-testid="client-events-day" />
            </label>
          </div>
          <EventDetails key={current} queue={current} kind="client" clientId={clientId} start={range?.start} end={range?.end} historyLabel={`Rows on ${day}`} />
        </div>
      ) : null}
    </div>
  );
}
