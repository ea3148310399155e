// GET /api/clients/:clientId/vfs/progress?flowId=: a listing or download flow's state, rows so
// far, directories recorded and whether the cache holds it yet (READ_RESULTS).
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";
import { parseQuery, ProgressQuery } from "../schemas";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { flowId } = parseQuery(req, ProgressQuery);
    return json(await getEngine().vfs.progress(p, { clientId: (await ctx.params).clientId, flowId }));
  });
}
