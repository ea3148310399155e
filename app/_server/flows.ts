// "Open in notebook" for a collection: a notebook owned by the caller whose cells read each of
// the flow's sources with source(client_id=, flow_id=, artifact=), run at once so it opens on
// the flow's rows (the same builder as the hunt notebook: query-notebook.ts).
import "server-only";
import type { Principal } from "../../engine";
import { flowNotebookHeader, flowSourceVql } from "@/app/api/clients/[clientId]/flows/[flowId]/notebook/flow-cells";
import { getEngine } from "./engine";
import { createQueryNotebook } from "./query-notebook";
import { sourceNotebookCells } from "@/app/api/clients/[clientId]/flows/[flowId]/notebook/flow-cells";

/** Builds the flow's notebook as `p` (NOTEBOOK_EDITOR for the notebook, READ_RESULTS for the flow); its id. */
export async function createFlowNotebook(p: Principal, clientId: string, flowId: string): Promise<string> {
  const engine = getEngine();
  const flow = await engine.flows.get(p, clientId, flowId);
  const sources = flow.sources.length ? flow.sources.map((s) => s.artifact) : flow.artifacts;
  return createQueryNotebook(p, {
    name: `Collection ${flow.flowId} (${flow.artifacts.join(", ")})`,
    header: flowNotebookHeader(flow),
    // A source with its own `notebook:` cells gets those (reading ClientId, FlowId and
    // ArtifactName from the notebook's variables), else a source() cell.
    queries: sources.flatMap((s): Array<string | { type: "vql" | "markdown"; input: string }> => sourceNotebookCells(engine.artifacts.get(s.split("/")[0]!), s) ?? [flowSourceVql(flow.clientId, flow.flowId, s)]),
    env: [
      { key: "ClientId", value: flow.clientId },
      { key: "FlowId", value: flow.flowId },
      { key: "ArtifactName", value: flow.artifacts[0] ?? "" },
    ],
    run: true,
  });
}
