// POST /api/clients/:clientId/flows/:flowId/cancel (COLLECT_CLIENT; audited).
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function POST(_req: Request, ctx: { params: Promise<{ clientId: string; flowId: string }> }) {
  return withPrincipal("COLLECT_CLIENT", async (p) => {
    const { clientId, flowId } = await ctx.params;
    return json({ flow: await getEngine().flows.cancel(p, clientId, flowId) });
  });
}
