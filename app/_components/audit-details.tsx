// An audit entry's details as a readable key/value list: scalars as text, lists of scalars
// joined, anything nested as compact JSON. React escapes every value.
function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v) && v.every((x) => x === null || ["string", "number", "boolean"].includes(typeof x))) return v.map((x) => String(x)).join(", ");
  return JSON.stringify(v);
}

export function AuditDetails({ details }: { details: unknown }) {
  if (!details || typeof details !== "object" || Array.isArray(details)) return <span>{show(details)}</span>;
  const entries = Object.entries(details as Record<string, unknown>);
  if (!entries.length) return <span className="muted">—</span>;
  return (
    <dl className="kv" data-testid="audit-details">
      {entries.map(([k, v]) => (
        <div key={k} style={{ display: "contents" }}>
          <dt>{k}</dt>
          <dd>{show(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
