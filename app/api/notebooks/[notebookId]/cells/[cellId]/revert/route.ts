// POST /api/notebooks/:id/cells/:cellId/revert {step: -1|1, draft?}: undo or redo.
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";
import { RevertCell } from "@/app/api/notebooks/[notebookId]/cells/schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ notebookId: string; cellId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const { notebookId, cellId } = await ctx.params;
    const { step, draft } = await readBody(req, RevertCell);
    const cell = await notebooksService().revertCell(p, notebookId, cellId, step, draft);
    return json({ cell });
  });
}
