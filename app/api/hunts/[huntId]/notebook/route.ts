// POST /api/hunts/:huntId/notebook: "Open hunt notebook": a new notebook owned by the caller
// with one hunt_results() cell per source of the hunt (NOTEBOOK_EDITOR; reading the hunt needs
// READ_RESULTS, which every role with NOTEBOOK_EDITOR has); answers 201 {notebookId}.
import { createHuntNotebook } from "@/app/_server/hunts";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function POST(_req: Request, ctx: { params: Promise<{ huntId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const { huntId } = await ctx.params;
    return json({ notebookId: await createHuntNotebook(p, huntId) }, 201);
  });
}
