// Pure pieces of the hunt routes (unit-tested without the server): a hunt's result source
// names from its compiled request, the hunt_results() VQL a hunt notebook cell runs for one,
// and the cells of a hunt notebook (a source's own `notebook:` cells, else hunt_results()).
import type { Artifact } from "@/engine/artifacts";
import { sourceNotebookCells } from "@/app/api/clients/[clientId]/flows/[flowId]/notebook/flow-cells";

/** Source result names in the order the hunt collects them (`Artifact`, or `Artifact/Source`). */
export function sourcesOfRequest(request: unknown): string[] {
  const r = request as { compiled?: Array<{ sources?: Array<{ name?: unknown }> }> } | null;
  const out: string[] = [];
  for (const a of r?.compiled ?? []) for (const s of a.sources ?? []) if (typeof s.name === "string" && s.name && !out.includes(s.name)) out.push(s.name);
  return out;
}

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** `SELECT * FROM hunt_results(hunt_id='H.…', artifact='A'[, source='S'])` for `A` or `A/S`. */
export function huntResultsVql(huntId: string, source: string): string {
  const slash = source.indexOf("/");
  const artifact = slash < 0 ? source : source.slice(0, slash);
  const part = slash < 0 ? "" : source.slice(slash + 1);
  return `SELECT * FROM hunt_results(hunt_id=${quote(huntId)}, artifact=${quote(artifact)}${part ? `, source=${quote(part)}` : ""})`;
}

/**
 * A hunt notebook's cells, per source: the artifact's own `notebook:` cells (they read HuntId and
 * ArtifactName from the notebook's variables, as in Velociraptor's hunt notebooks), else one
 * hunt_results() cell.
 */
export function huntNotebookCells(huntId: string, sources: string[], artifactOf: (name: string) => Pick<Artifact, "sources"> | undefined): Array<string | { type: "vql" | "markdown"; input: string }> {
  return sources.flatMap((s): Array<string | { type: "vql" | "markdown"; input: string }> => sourceNotebookCells(artifactOf(s.split("/")[0]!), s) ?? [huntResultsVql(huntId, s)]);
}
