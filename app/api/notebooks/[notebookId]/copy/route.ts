// POST /api/notebooks/:id/copy {name?} (or no body): a copy of the notebook's cells, owned by the caller.
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";
import { CopyNotebook } from "@/app/api/notebooks/[notebookId]/schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ notebookId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const { name } = await readBody(req, CopyNotebook, { optional: true });
    const notebook = await notebooksService().copy(p, (await ctx.params).notebookId, name);
    return json({ notebook }, 201);
  });
}
