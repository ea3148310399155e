// POST /api/notebooks/:id/cells/:cellId/run {input?, type?}: store a new version and run it on
// the server as the caller. Answers at once (status queued/running); rows and status arrive
// over /api/ws/ui on topic notebook:<id>.
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";
import { RunCell } from "@/app/api/notebooks/[notebookId]/cells/schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ notebookId: string; cellId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const { notebookId, cellId } = await ctx.params;
    const cell = await notebooksService().runCell(p, notebookId, cellId, await readBody(req, RunCell));
    return json({ cell }, 202);
  });
}
