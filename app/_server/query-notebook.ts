// A new notebook owned by the caller made of a Markdown heading and one VQL cell per query (the
// blank cell a new notebook starts with removed): "Open hunt notebook" and a collection's "Open
// in notebook" both build theirs here. `run`: queue every VQL cell to run at once, so the
// notebook opens on its rows.
import "server-only";
import type { Principal } from "../../engine";
import { getEngine } from "./engine";

export async function createQueryNotebook(
  p: Principal,
  n: { name: string; header: string; queries: Array<string | { type: "vql" | "markdown"; input: string }>; run?: boolean; env?: { key: string; value: string }[] },
): Promise<string> {
  const engine = getEngine();
  const notebook = await engine.notebooks.create(p, { name: n.name.slice(0, 200) });
  // Variables every cell sees (ClientId, FlowId, ArtifactName...: what an artifact's own
  // notebook cells read, as Velociraptor's flow notebooks set them).
  if (n.env?.length) await engine.notebooks.update(p, notebook.id, { env: n.env });
  const blank = notebook.cells.filter((c) => !c.input.trim()).map((c) => c.id);
  await engine.notebooks.addCell(p, notebook.id, { type: "markdown", input: n.header });
  const cells: string[] = [];
  for (const q of n.queries) {
    const cell = typeof q === "string" ? { type: "vql" as const, input: q } : q;
    const id = (await engine.notebooks.addCell(p, notebook.id, cell)).id;
    if (cell.type === "vql") cells.push(id);
  }
  for (const cellId of blank) await engine.notebooks.deleteCell(p, notebook.id, cellId);
  if (n.run) for (const cellId of cells) await engine.notebooks.runCell(p, notebook.id, cellId, {});
  return notebook.id;
}
