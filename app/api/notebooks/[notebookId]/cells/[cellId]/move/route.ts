// POST /api/notebooks/:id/cells/:cellId/move {position}: move the cell to that index.
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";
import { MoveCell } from "@/app/api/notebooks/[notebookId]/cells/schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ notebookId: string; cellId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const { notebookId, cellId } = await ctx.params;
    const { position } = await readBody(req, MoveCell);
    return json({ order: await notebooksService().moveCell(p, notebookId, cellId, position) });
  });
}
