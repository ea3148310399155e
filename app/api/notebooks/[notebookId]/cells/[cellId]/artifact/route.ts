// POST /api/notebooks/:id/cells/:cellId/artifact {yaml}: save a promoted cell as an artifact
// through the artifact repository (409 while none is connected to this server).
import { json, readJsonObject, str, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ notebookId: string; cellId: string }> }) {
  return withPrincipal("ARTIFACT_WRITER", async (p) => {
    const { notebookId, cellId } = await ctx.params;
    const b = await readJsonObject(req);
    const url = `/notebooks/${notebookId}?cell=${cellId}`;
    const saved = await notebooksService().saveArtifact(p, str(b, "yaml"), { notebookId, cellId, url });
    return json(saved, 201);
  });
}
