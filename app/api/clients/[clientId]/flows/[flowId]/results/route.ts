// GET /api/clients/:clientId/flows/:flowId/results?artifact=&offset=&limit=: a page of one
// source's rows with its columns in order and the total (the UI pages tables from here).
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ clientId: string; flowId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { clientId, flowId } = await ctx.params;
    const u = new URL(req.url);
    const artifact = u.searchParams.get("artifact");
    if (!artifact) throw new BadRequest("`artifact` is required");
    const r = await getEngine().flows.results(p, { clientId, flowId, artifact, offset: Number(u.searchParams.get("offset") ?? 0) || 0, limit: Number(u.searchParams.get("limit") ?? 100) || 100 });
    return json(r);
  });
}
