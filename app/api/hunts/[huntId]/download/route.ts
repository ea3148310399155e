// GET /api/hunts/:huntId/download: every client's results of the hunt (one JSON-lines and one CSV
// entry per source, rows with ClientId, FlowId and Fqdn), their uploads and a manifest as one
// zip, streamed as it is read (docs/downloads.md).
import { getEngine } from "@/app/_server/engine";
import { withPrincipal } from "@/app/_server/respond";
import { zipResponse } from "@/app/_server/zip-response";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ huntId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { huntId } = await ctx.params;
    return zipResponse(await getEngine().downloads.huntZip(p, { huntId, signal: req.signal }));
  });
}
