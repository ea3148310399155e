// PUT /api/notebooks/:id/cells/:cellId {input, type?}: save the text as a new version (no run).
// DELETE: remove the cell (cancelling its run).
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";
import { SaveCell } from "@/app/api/notebooks/[notebookId]/cells/schemas";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ notebookId: string; cellId: string }> };

export function PUT(req: Request, ctx: Ctx) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const { notebookId, cellId } = await ctx.params;
    const b = await readBody(req, SaveCell);
    return json({ cell: await notebooksService().saveCell(p, notebookId, cellId, b) });
  });
}

export function DELETE(_req: Request, ctx: Ctx) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const { notebookId, cellId } = await ctx.params;
    await notebooksService().deleteCell(p, notebookId, cellId);
    return json({ ok: true });
  });
}
