// GET /api/clients/:clientId/flows/:flowId/logs?offset=&limit=: the collection's query log.
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ clientId: string; flowId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { clientId, flowId } = await ctx.params;
    const u = new URL(req.url);
    return json(await getEngine().flows.logs(p, { clientId, flowId, offset: Number(u.searchParams.get("offset") ?? 0) || 0, limit: Number(u.searchParams.get("limit") ?? 200) || 200 }));
  });
}
