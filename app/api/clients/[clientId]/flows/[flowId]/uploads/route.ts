// GET /api/clients/:clientId/flows/:flowId/uploads: files the collection uploaded.
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(_req: Request, ctx: { params: Promise<{ clientId: string; flowId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { clientId, flowId } = await ctx.params;
    return json({ uploads: await getEngine().flows.uploads(p, { clientId, flowId }) });
  });
}
