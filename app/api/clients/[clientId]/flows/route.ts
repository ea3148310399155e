// GET /api/clients/:clientId/flows?offset=&limit=&artifact=: the client's collections, newest
// first (with `artifact`, only those that collected it: the Shell tab's history).
// POST {artifacts, parameters?, timeoutSec?, maxRows?}: start a collection (COLLECT_CLIENT).
import { getEngine } from "@/app/_server/engine";
import { json, readBody, readQuery, withPrincipal } from "@/app/_server/respond";
import { ClientFlowsQuery, CollectOne } from "@/app/api/clients/schemas";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const q = readQuery(req, ClientFlowsQuery);
    return json(await getEngine().flows.list(p, (await ctx.params).clientId, q));
  });
}

export function POST(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("COLLECT_CLIENT", async (p) => {
    const body = await readBody(req, CollectOne);
    const flow = await getEngine().flows.collect(p, { clientId: (await ctx.params).clientId, ...body });
    return json({ flow }, 201);
  });
}
