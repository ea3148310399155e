"use client";
// The inbox's filters: statuses and severities (checkboxes, applied at once), client, label,
// artifact, time range and the search box (applied on submit). The state is the page URL's.
import { useEffect, useState } from "react";
import { ALERT_SEVERITIES, ALERT_STATUSES } from "@/engine";
import { STATUS_LABELS } from "./badges";
import { fromLocalInput, RANGES, toLocalInput, type InboxState, type Range } from "./inbox-state";

function toggle<T>(list: T[], v: T, on: boolean): T[] {
  return on ? [...list.filter((x) => x !== v), v] : list.filter((x) => x !== v);
}

export function AlertFilters({ state, onChange }: { state: InboxState; onChange(next: InboxState): void }) {
  const [draft, setDraft] = useState(state);
  useEffect(() => setDraft(state), [state]);
  const apply = (next: InboxState) => onChange({ ...next, offset: 0 });
  return (
    <form
      className="alert-filters"
      role="search"
      aria-label="Filter alerts"
      onSubmit={(e) => {
        e.preventDefault();
        apply({ ...draft, search: draft.search.trim(), client: draft.client.trim(), label: draft.label.trim(), artifact: draft.artifact.trim() });
      }}
    >
      <div className="row">
        <label className="grow">
          Search
          <input value={draft.search} onChange={(e) => setDraft({ ...draft, search: e.target.value })} placeholder="name, artifact, client, hostname or event data" data-testid="alerts-search" />
        </label>
        <label>
          Client
          <input value={draft.client} onChange={(e) => setDraft({ ...draft, client: e.target.value })} placeholder="C.… or server" data-testid="alerts-client" />
        </label>
        <label>
          Label
          <input value={draft.label} onChange={(e) => setDraft({ ...draft, label: e.target.value })} data-testid="alerts-label" />
        </label>
        <label>
          Artifact
          <input value={draft.artifact} onChange={(e) => setDraft({ ...draft, artifact: e.target.value })} data-testid="alerts-artifact" />
        </label>
        <label>
          Last seen
          <select value={draft.range} onChange={(e) => (e.target.value === "custom" ? setDraft({ ...draft, range: "custom" }) : apply({ ...draft, range: e.target.value as Range, since: "", until: "" }))} data-testid="alerts-range">
            {Object.entries(RANGES).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        {draft.range === "custom" ? (
          <>
            <label>
              From
              <input type="datetime-local" value={toLocalInput(draft.since)} onChange={(e) => setDraft({ ...draft, since: fromLocalInput(e.target.value) })} data-testid="alerts-since" />
            </label>
            <label>
              To
              <input type="datetime-local" value={toLocalInput(draft.until)} onChange={(e) => setDraft({ ...draft, until: fromLocalInput(e.target.value) })} data-testid="alerts-until" />
            </label>
          </>
        ) : null}
        <button type="submit" className="primary" data-testid="alerts-apply">
          Apply
        </button>
      </div>
      <div className="row checks">
        <fieldset>
          <legend>Status</legend>
          {ALERT_STATUSES.map((s) => (
            <label key={s} className="inline">
              <input type="checkbox" checked={state.status.includes(s)} onChange={(e) => apply({ ...draft, status: toggle(state.status, s, e.target.checked) })} data-testid={`alerts-status-${s}`} />
              {STATUS_LABELS[s]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Severity</legend>
          {ALERT_SEVERITIES.map((s) => (
            <label key={s} className="inline">
              <input type="checkbox" checked={state.severity.includes(s)} onChange={(e) => apply({ ...draft, severity: toggle(state.severity, s, e.target.checked) })} data-testid={`alerts-severity-${s}`} />
              {s}
            </label>
          ))}
        </fieldset>
      </div>
    </form>
  );
}
