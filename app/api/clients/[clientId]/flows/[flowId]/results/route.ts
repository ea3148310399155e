// GET /api/clients/:clientId/flows/:flowId/results?artifact=&offset=&limit=[&sort=&desc=1&filter=&filterColumn=]:
// a page of one source's rows with its columns in order and the total (of the rows the filter
// keeps), sorted and filtered in the database (the UI pages tables from here).
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";
import { parseFlowResultsQuery } from "./view-query";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ clientId: string; flowId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { clientId, flowId } = await ctx.params;
    const q = parseFlowResultsQuery(new URL(req.url).searchParams);
    return json(await getEngine().flows.results(p, { clientId, flowId, artifact: q.artifact, offset: q.offset, limit: q.limit || 100, ...q.view }));
  });
}
