// GET /api/clients/:clientId/flows/:flowId/download: the flow's results (JSON lines and CSV per
// source), log, uploads and manifest as one zip, streamed as it is read (docs/downloads.md).
import { getEngine } from "@/app/_server/engine";
import { withPrincipal } from "@/app/_server/respond";
import { zipResponse } from "@/app/_server/zip-response";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ clientId: string; flowId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { clientId, flowId } = await ctx.params;
    return zipResponse(await getEngine().downloads.flowZip(p, { clientId, flowId, signal: req.signal }));
  });
}
