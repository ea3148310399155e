// "Open in notebook" for a collection: a notebook owned by the caller whose cells read each of
// the flow's sources with source(client_id=, flow_id=, artifact=), run at once so it opens on
// the flow's rows (the same builder as the hunt notebook: query-notebook.ts).
import "server-only";
import type { Principal } from "../../engine";
import { flowNotebookHeader, flowSourceVql } from "@/app/api/clients/[clientId]/flows/[flowId]/notebook/flow-cells";
import { getEngine } from "./engine";
import { createQueryNotebook } from "./query-notebook";

/** Builds the flow's notebook as `p` (NOTEBOOK_EDITOR for the notebook, READ_RESULTS for the flow); its id. */
export async function createFlowNotebook(p: Principal, clientId: string, flowId: string): Promise<string> {
  const flow = await getEngine().flows.get(p, clientId, flowId);
  const sources = flow.sources.length ? flow.sources.map((s) => s.artifact) : flow.artifacts;
  return createQueryNotebook(p, {
    name: `Collection ${flow.flowId} (${flow.artifacts.join(", ")})`,
    header: flowNotebookHeader(flow),
    queries: sources.map((s) => flowSourceVql(flow.clientId, flow.flowId, s)),
    run: true,
  });
}
