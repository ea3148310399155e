// Span-free copies of syntax trees, for comparing trees that came from different texts
// (tests of "several spellings, one tree" and print -> parse round trips, caches keyed by shape).

/** A deep copy of `value` with every `span` and `argsSpan` field removed. */
export function stripSpans<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripSpans) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === "span" || k === "argsSpan" || v === undefined) continue;
    out[k] = stripSpans(v);
  }
  return out as T;
}
