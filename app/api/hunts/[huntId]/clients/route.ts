// GET /api/hunts/:huntId/clients?state=&offset=&limit= (READ_RESULTS): one queue of the hunt
// (checking, excluded, pending, running, completed, with_results, error; all without `state`),
// a page of it in scheduling order, with the queue's exact size: {clients, total}.
import { huntClientsQuery } from "@/app/_server/hunts-query";
import { queueTotal } from "@/app/_server/hunts";
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ huntId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { huntId } = await ctx.params;
    const q = huntClientsQuery(new URL(req.url).searchParams);
    const engine = getEngine();
    const hunt = await engine.hunts.get(p, huntId);
    const clients = await engine.hunts.clients(p, hunt.huntId, q);
    return json({ clients, total: queueTotal(hunt, q.state) });
  });
}
