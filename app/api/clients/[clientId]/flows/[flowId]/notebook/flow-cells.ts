// Pure pieces of "Open in notebook" (unit-tested without the server): the source() VQL a flow
// notebook cell runs for one source of the flow, and the notebook's heading.

/** A VQL double-quoted string literal of `s` (backslash and quote escaped). */
export function vqlString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** `SELECT * FROM source(client_id="C.…", flow_id="F.…", artifact="A[/S]")`. */
export function flowSourceVql(clientId: string, flowId: string, source: string): string {
  return `SELECT * FROM source(client_id=${vqlString(clientId)}, flow_id=${vqlString(flowId)}, artifact=${vqlString(source)})`;
}

/** Markdown heading of a flow notebook (artifact names escaped for Markdown). */
export function flowNotebookHeader(f: { clientId: string; flowId: string; artifacts: string[]; creator: string }): string {
  const md = (s: string) => s.replace(/[\\`*_#<>[\]]/g, "\\$&");
  return `# Collection ${f.flowId} on ${f.clientId}\n\n${f.artifacts.map(md).join(", ")}, collected by ${md(f.creator)}. One cell per source (\`source()\`).`;
}
