// POST /api/notebooks/:id/copy {name?}: a copy of the notebook's cells, owned by the caller.
import { json, readJsonObject, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ notebookId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const b = await readJsonObject(req).catch(() => ({}) as Record<string, unknown>);
    const notebook = await notebooksService().copy(p, (await ctx.params).notebookId, typeof b.name === "string" ? b.name : undefined);
    return json({ notebook }, 201);
  });
}
