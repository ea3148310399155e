// GET /api/hunts/:huntId/results?artifact=&source=&offset=&limit= (READ_RESULTS): a page of
// every client's rows of one source (`artifact` alone may name `Artifact/Source`; default: the
// hunt's first source), each with ClientId, Fqdn and FlowId, read through the service behind
// hunt_results(): {sources, source, columns, rows, offset, more}.
import { huntResultsQuery } from "@/app/_server/hunts-query";
import { huntResultsPage, huntSources } from "@/app/_server/hunts";
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ huntId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { huntId } = await ctx.params;
    const q = huntResultsQuery(new URL(req.url).searchParams);
    const hunt = await getEngine().hunts.get(p, huntId);
    const sources = await huntSources(p, hunt.huntId);
    const asked = q.artifact ? (q.source ? `${q.artifact}/${q.source}` : q.artifact) : sources[0] ?? hunt.artifacts[0] ?? "";
    const page = await huntResultsPage(p, { huntId: hunt.huntId, source: asked, offset: q.offset, limit: q.limit, signal: req.signal });
    return json({ sources, source: asked, offset: q.offset, ...page });
  });
}
