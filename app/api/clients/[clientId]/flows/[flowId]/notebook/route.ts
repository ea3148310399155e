// POST /api/clients/:clientId/flows/:flowId/notebook: "Open in notebook": a new notebook owned
// by the caller with one source() cell per source of the flow, queued to run (NOTEBOOK_EDITOR;
// reading the flow needs READ_RESULTS, which every role with NOTEBOOK_EDITOR has); 201 {notebookId}.
import { createFlowNotebook } from "@/app/_server/flows";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function POST(_req: Request, ctx: { params: Promise<{ clientId: string; flowId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const { clientId, flowId } = await ctx.params;
    return json({ notebookId: await createFlowNotebook(p, clientId, flowId) }, 201);
  });
}
