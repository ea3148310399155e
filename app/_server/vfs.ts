// What the file browser routes share beyond the service: "Open in notebook", a notebook owned by
// the caller whose VQL cell reads the directory's listing from its System.VFS.ListDirectory flow
// with source() (only that directory's rows when the flow listed a tree).
import "server-only";
import type { Principal } from "../../engine";
import { getEngine } from "./engine";
import { BadRequest } from "./respond";
import { listingVql } from "../api/clients/vfs-notebook-cell";

const LIST_ARTIFACT = "System.VFS.ListDirectory";
const markdownText = (s: string) => s.replace(/[\\`*_#<>[\]|]/g, "\\$&");

/** Builds the notebook as `p` (the notebooks service wants NOTEBOOK_EDITOR); its id. */
export async function createVfsNotebook(p: Principal, clientId: string, path: string): Promise<string> {
  const engine = getEngine();
  const listing = await engine.vfs.list(p, { clientId, path, limit: 1 });
  if (!listing.flowId) throw new BadRequest("this directory has not been listed yet: refresh it first");
  const flow = await engine.flows.get(p, clientId, listing.flowId);
  const params = flow.parameters[LIST_ARTIFACT] ?? {};
  const wholeFlow = String(params.Path ?? "") === listing.path && !Number(params.Depth ?? 0);
  const notebook = await engine.notebooks.create(p, { name: `Files ${clientId} ${listing.path}`.slice(0, 200) });
  const blank = notebook.cells.filter((c) => !c.input.trim()).map((c) => c.id);
  const header = `# ${markdownText(listing.path)} on ${clientId}\n\nThe directory's listing (flow ${listing.flowId}, listed ${listing.listedAt}), read with \`source()\`.`;
  await engine.notebooks.addCell(p, notebook.id, { type: "markdown", input: header });
  await engine.notebooks.addCell(p, notebook.id, { type: "vql", input: listingVql(clientId, listing.flowId, listing.path, wholeFlow) });
  for (const cellId of blank) await engine.notebooks.deleteCell(p, notebook.id, cellId);
  return notebook.id;
}
