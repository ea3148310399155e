// POST /api/notebooks/:id/cells/:cellId/cancel: stop the cell's run.
import { json, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";

export const dynamic = "force-dynamic";

export function POST(_req: Request, ctx: { params: Promise<{ notebookId: string; cellId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const { notebookId, cellId } = await ctx.params;
    await notebooksService().cancelCell(p, notebookId, cellId);
    return json({ ok: true });
  });
}
