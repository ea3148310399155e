"use client";
// A timestamp parameter: a date-time picker and a time zone, sent as the RFC3339 instant (UTC).
// A value the picker cannot show (an epoch number, another date format) stays editable as text.
import { useMemo, useState } from "react";
import { parseDateString } from "@/engine/vql/values/time-parse";
import { instantToWall, timeZones, wallToRfc3339 } from "./timestamp";

export function TimestampField({ value, onChange, testId, label }: { value: string; onChange(v: string): void; testId: string; label: string }) {
  const zones = useMemo(timeZones, []);
  const [zone, setZone] = useState("UTC");
  const parsed = value.trim() ? parseDateString(value.trim()) : null;
  const wallOf = (z: string) => (parsed && !parsed.isZero() ? instantToWall(parsed.epochMillis, z) : "");
  // The picker's wall time and the value it was made from; a value changed from outside remakes it.
  const [state, setState] = useState(() => ({ text: value, wall: wallOf("UTC") }));
  const [asText, setAsText] = useState(() => Boolean(value.trim()) && !parsed);
  let wall = state.wall;
  if (state.text !== value && !asText) {
    wall = wallOf(zone);
    setState({ text: value, wall });
  }
  const setFrom = (w: string, z: string) => {
    const text = w ? wallToRfc3339(w.length === 16 ? `${w}:00` : w, z) : "";
    setState({ text, wall: w });
    onChange(text);
  };
  if (asText) {
    return (
      <span className="row tight">
        <input value={value} onChange={(e) => onChange(e.target.value)} aria-label={label} data-testid={testId} />
        <button type="button" className="link" onClick={() => setAsText(false)}>
          Use the picker
        </button>
      </span>
    );
  }
  return (
    <span className="row tight timestamp-field">
      <input type="datetime-local" step={1} value={wall} onChange={(e) => setFrom(e.target.value, zone)} aria-label={label} data-testid={testId} />
      <select value={zone} onChange={(e) => (setZone(e.target.value), wall && setFrom(wall, e.target.value))} aria-label={`${label} time zone`} data-testid={`${testId}-zone`}>
        {zones.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </select>
      {value ? (
        <button type="button" className="link" onClick={() => setFrom("", zone)} data-testid={`${testId}-clear`}>
          Clear
        </button>
      ) : null}
      <span className="muted small" data-testid={`${testId}-sent`}>
        {value ? `sent as ${value}` : "unset (the zero time)"}
      </span>
      <button type="button" className="link small" onClick={() => setAsText(true)}>
        Type it
      </button>
    </span>
  );
}
