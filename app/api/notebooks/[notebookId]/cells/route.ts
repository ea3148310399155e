// POST /api/notebooks/:id/cells {type?: "vql"|"markdown", input?, position?}: add a cell.
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";
import { NewCell } from "./schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ notebookId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const b = await readBody(req, NewCell);
    const cell = await notebooksService().addCell(p, (await ctx.params).notebookId, b);
    return json({ cell }, 201);
  });
}
