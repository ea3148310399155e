// POST /api/notebooks/:id/cells/:cellId/revert {step: -1|1, draft?}: undo or redo.
import { BadRequest, json, readJsonObject, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ notebookId: string; cellId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const { notebookId, cellId } = await ctx.params;
    const b = await readJsonObject(req);
    if (b.step !== -1 && b.step !== 1) throw new BadRequest("`step` is -1 (undo) or 1 (redo)");
    const cell = await notebooksService().revertCell(p, notebookId, cellId, b.step, typeof b.draft === "string" ? b.draft : undefined);
    return json({ cell });
  });
}
