// GET /api/clients/:clientId/flows/:flowId/results/download?artifact=&format=csv|json[&sort=&desc=1&filter=&filterColumn=]:
// one source's rows as a CSV or JSON file, in the table's view, streamed from the database
// (audited with the rows sent: DownloadFlowResults).
import { getEngine } from "@/app/_server/engine";
import { attachment, streamOf } from "@/app/_server/notebooks";
import { withPrincipal } from "@/app/_server/respond";
import { parseFlowResultsQuery } from "../view-query";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ clientId: string; flowId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { clientId, flowId } = await ctx.params;
    const q = parseFlowResultsQuery(new URL(req.url).searchParams);
    const d = await getEngine().downloads.flowSource(p, { clientId, flowId, artifact: q.artifact, format: q.format ?? "csv", signal: req.signal, ...q.view });
    return new Response(streamOf(d.body), {
      headers: { "Content-Type": d.contentType, "Content-Disposition": attachment(d.filename), "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" },
    });
  });
}
