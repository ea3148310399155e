// GET /api/notebooks/:id: the notebook with its cells. PATCH: name, description, collaborators,
// isPublic, env, parameters, settings. DELETE: remove it (its creator).
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";
import { UpdateNotebook } from "./schemas";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ notebookId: string }> };

export function GET(_req: Request, ctx: Ctx) {
  return withPrincipal("READ_RESULTS", async (p) => json({ notebook: await notebooksService().get(p, (await ctx.params).notebookId) }));
}

export function PATCH(req: Request, ctx: Ctx) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const b = await readBody(req, UpdateNotebook);
    const notebook = await notebooksService().update(p, (await ctx.params).notebookId, b as never);
    return json({ notebook });
  });
}

export function DELETE(_req: Request, ctx: Ctx) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    await notebooksService().remove(p, (await ctx.params).notebookId);
    return json({ ok: true });
  });
}
