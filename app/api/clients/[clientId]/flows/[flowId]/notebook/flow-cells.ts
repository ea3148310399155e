// Pure pieces of "Open in notebook" (unit-tested without the server): the source() VQL a flow
// notebook cell runs for one source of the flow, the cells an artifact's own `notebook:` section
// gives a source instead, and the notebook's heading.
import type { Artifact } from "@/engine/artifacts";

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

/**
 * The cells a source's `notebook:` section defines (Velociraptor's NotebookSourceCell): `vql`
 * cells run, `md`/`markdown` cells show; `none` and `vql_suggestion` cells are not cells.
 * Undefined when the artifact or source is unknown or defines none (then the default cell).
 */
export function sourceNotebookCells(artifact: Pick<Artifact, "sources"> | undefined, source: string): Array<{ type: "vql" | "markdown"; input: string }> | undefined {
  if (!artifact) return undefined;
  const slash = source.indexOf("/");
  const name = slash < 0 ? "" : source.slice(slash + 1);
  const s = artifact.sources.find((x) => x.name === name) ?? (artifact.sources.length === 1 && !name ? artifact.sources[0] : undefined);
  const cells: Array<{ type: "vql" | "markdown"; input: string }> = [];
  for (const c of s?.notebook ?? []) {
    const type = c.type.toLowerCase();
    const input = c.template ?? "";
    if (type === "vql") cells.push({ type: "vql", input });
    else if (type === "md" || type === "markdown") cells.push({ type: "markdown", input });
  }
  return cells.length ? cells : undefined;
}
