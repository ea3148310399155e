"use client";
// One value in a results table: text, numbers and booleans as they are; timestamps (RFC 3339
// text, and epoch numbers in time columns or columns typed as timestamps) as dates in the chosen
// time zone with the raw value on hover; ids with their tail always in view; objects and arrays
// collapsed to a preview that opens the JSON inspector. Values are rendered as React text,
// never as HTML, so markup in a result never runs.
import { isId, splitId, timeOf } from "./render";
import { formatTimestamp } from "./time-zone";

export function preview(v: unknown): string {
  if (Array.isArray(v)) return `[${v.length}] ${JSON.stringify(v).slice(0, 80)}`;
  if (v && typeof v === "object") return `{${Object.keys(v).length}} ${JSON.stringify(v).slice(0, 80)}`;
  return String(v);
}

export function copyText(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v, null, 2) : String(v);
}

export function ValueCell({ value, tz, column = "", columnType, onInspect }: { value: unknown; tz: string; column?: string; columnType?: string; onInspect(): void }) {
  if (value === null || value === undefined) return <span className="rt-null">null</span>;
  const time = typeof value === "object" || typeof value === "boolean" ? undefined : timeOf(value, column, columnType);
  if (time !== undefined)
    return (
      <span className="rt-time" title={String(value)} data-raw={String(value)}>
        {formatTimestamp(time, tz)}
      </span>
    );
  if (isId(value)) {
    // The tail never shrinks: a narrow column elides the middle, not the part that differs.
    const [head, tail] = splitId(value);
    return (
      <span className="rt-id" title={value}>
        <span className="rt-id-head">{head}</span>
        {tail ? <span className="rt-id-tail">{tail}</span> : null}
      </span>
    );
  }
  if (typeof value === "object")
    return (
      <button type="button" className="rt-json" onClick={onInspect} title="Expand">
        {preview(value)}
      </button>
    );
  if (typeof value === "boolean") return <span className="rt-bool">{value ? "true" : "false"}</span>;
  if (typeof value === "number") return <span className="rt-num">{String(value)}</span>;
  return <span>{String(value)}</span>;
}

/** A collapsible tree of a JSON value (the inspector). */
export function JsonTree({ value, name, depth = 0 }: { value: unknown; name?: string; depth?: number }) {
  const label = name !== undefined ? <span className="jt-key">{name}: </span> : null;
  if (value && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    return (
      <details open={depth < 2} className="jt">
        <summary>
          {label}
          <span className="jt-type">{Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}</span>
        </summary>
        <div className="jt-children">
          {entries.map(([k, v]) => (
            <JsonTree key={k} name={k} value={v} depth={depth + 1} />
          ))}
        </div>
      </details>
    );
  }
  return (
    <div className="jt-leaf">
      {label}
      <span className={typeof value === "string" ? "jt-str" : "jt-lit"}>{typeof value === "string" ? JSON.stringify(value) : String(value)}</span>
    </div>
  );
}
