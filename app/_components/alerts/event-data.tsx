"use client";
// An alert's event_data as a key/value table (nested values as indented JSON) or as the whole
// JSON document. Everything renders as text: event data comes from endpoints and queries.
import { useState } from "react";

function valueText(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "object") return JSON.stringify(v, null, 2);
  return String(v);
}

export function EventData({ data, testId = "alert-event-data" }: { data: Record<string, unknown>; testId?: string }) {
  const [asJson, setAsJson] = useState(false);
  const entries = Object.entries(data ?? {});
  return (
    <div className="event-data" data-testid={testId}>
      <div className="row between">
        <span className="muted small">{entries.length} field{entries.length === 1 ? "" : "s"}</span>
        <button type="button" className="link" onClick={() => setAsJson(!asJson)} data-testid="event-data-toggle">
          {asJson ? "Show as fields" : "Show as JSON"}
        </button>
      </div>
      {asJson ? (
        <pre className="json">{JSON.stringify(data ?? {}, null, 2)}</pre>
      ) : entries.length ? (
        <dl className="facts">
          {entries.map(([k, v]) => (
            <div key={k} className="kv" data-testid={`event-field-${k}`}>
              <dt>{k}</dt>
              <dd>{v !== null && typeof v === "object" ? <pre className="json">{valueText(v)}</pre> : <span className="mono">{valueText(v)}</span>}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted">No event data.</p>
      )}
    </div>
  );
}
