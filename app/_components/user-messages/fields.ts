// A user message's fields for display: a dict's keys and values in the order the sender gave
// them (values that are not strings as their JSON), anything else as one unlabelled JSON text.
// The caller renders them as text, never as HTML.
export function messageFields(json: string): Array<[string, string]> {
  try {
    const v = JSON.parse(json) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, typeof x === "string" ? x : JSON.stringify(x)]);
    return [["", JSON.stringify(v)]];
  } catch {
    return [["", json]];
  }
}
