// POST /api/notebooks/:id/cells/:cellId/artifact {yaml}: save a promoted cell as an artifact
// through the artifact repository (409 while none is connected to this server).
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";
import { PromoteCell } from "@/app/api/notebooks/[notebookId]/cells/schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ notebookId: string; cellId: string }> }) {
  return withPrincipal("ARTIFACT_WRITER", async (p) => {
    const { notebookId, cellId } = await ctx.params;
    const { yaml } = await readBody(req, PromoteCell);
    const url = `/notebooks/${notebookId}?cell=${cellId}`;
    const saved = await notebooksService().saveArtifact(p, yaml, { notebookId, cellId, url });
    return json(saved, 201);
  });
}
