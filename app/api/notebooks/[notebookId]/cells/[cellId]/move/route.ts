// POST /api/notebooks/:id/cells/:cellId/move {position}: move the cell to that index.
import { BadRequest, json, readJsonObject, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ notebookId: string; cellId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const { notebookId, cellId } = await ctx.params;
    const b = await readJsonObject(req);
    if (typeof b.position !== "number") throw new BadRequest("`position` must be a number");
    return json({ order: await notebooksService().moveCell(p, notebookId, cellId, b.position) });
  });
}
