"use client";
// The Account page's time-zone preference: the zone every results table shows dates in,
// stored in this browser (the same setting as each table's selector).
import { browserTimeZone, TIME_ZONES, useTimeZone } from "./time-zone";

export function TimeZoneSetting() {
  const [tz, setTz] = useTimeZone();
  return (
    <label>
      Show dates in
      <select value={tz} onChange={(e) => setTz(e.target.value)} aria-label="Time zone preference" data-testid="time-zone-setting">
        {TIME_ZONES.map((z) => (
          <option key={z} value={z}>
            {z === "local" ? `browser time (${browserTimeZone()})` : z}
          </option>
        ))}
      </select>
    </label>
  );
}
