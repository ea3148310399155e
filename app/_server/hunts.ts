// What the hunts route handlers share beyond the service: a hunt's result sources (from its
// compiled request: `Artifact` for one unnamed source, else `Artifact/Source`), a page of every
// client's rows of one source (read through the service's stream, which stops once the page is
// full), the count of one queue from the hunt's exact stats, and "Open hunt notebook": a
// notebook whose cells read hunt_results() per source, owned by the caller.
import "server-only";
import type { HuntClientState, HuntSummary, Principal } from "../../engine";
import { huntNotebookCells, sourcesOfRequest } from "../api/hunts/notebook-cells";
import { pageOfRows } from "../api/hunts/results-page";
import { getEngine } from "./engine";
import { createQueryNotebook } from "./query-notebook";

/** The hunt's result source names, in the order the hunt collects them. */
export async function huntSources(p: Principal, huntId: string): Promise<string[]> {
  return sourcesOfRequest(await getEngine().hunts.request(p, huntId));
}

/** Clients in one queue (all of them without `state`), from the exact counts. */
export function queueTotal(h: HuntSummary, state?: HuntClientState): number {
  const s = h.stats;
  switch (state) {
    case "checking":
      return s.checking;
    case "excluded":
      return s.excluded;
    case "pending":
      return s.pending;
    case "running":
      return s.running;
    case "completed":
      return s.totalClientsWithoutResults;
    case "with_results":
      return s.totalClientsWithResults;
    case "error":
      return s.totalClientsWithErrors;
    default:
      return s.checking + s.excluded + s.pending + s.running + s.totalFinishedClients;
  }
}

/** One page of every client's rows of `source`, with the union of their columns and whether more follow. */
export async function huntResultsPage(p: Principal, q: { huntId: string; source: string; offset: number; limit: number; signal?: AbortSignal }) {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  q.signal?.addEventListener("abort", onAbort);
  try {
    return await pageOfRows(getEngine().hunts.results(p, { huntId: q.huntId, artifact: q.source, signal: stop.signal }), q.offset, q.limit);
  } finally {
    q.signal?.removeEventListener("abort", onAbort);
    stop.abort();
  }
}

/** Builds the hunt's notebook as `p` (the notebooks service wants NOTEBOOK_EDITOR); its id. */
export async function createHuntNotebook(p: Principal, huntId: string): Promise<string> {
  const hunt = await getEngine().hunts.get(p, huntId);
  const sources = await huntSources(p, hunt.huntId);
  const header = `# Hunt ${hunt.huntId}\n\n${hunt.description ? `${hunt.description.replace(/[\\`*_#<>[\]]/g, "\\$&")}\n\n` : ""}Every client's rows, one cell per source (\`hunt_results()\`, or the artifact's own notebook cells).`;
  const artifacts = getEngine().artifacts;
  return createQueryNotebook(p, {
    name: `Hunt ${hunt.huntId}${hunt.description ? `: ${hunt.description}` : ""}`,
    header,
    queries: huntNotebookCells(hunt.huntId, sources, (name) => artifacts.get(name)),
    env: [
      { key: "HuntId", value: hunt.huntId },
      { key: "ArtifactName", value: sources[0]?.split("/")[0] ?? "" },
    ],
  });
}
