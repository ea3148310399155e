// GET /api/clients/:clientId/flows/:flowId/uploads/:uploadId: download an uploaded file.
import { Readable } from "node:stream";
import { getEngine } from "@/app/_server/engine";
import { withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(_req: Request, ctx: { params: Promise<{ clientId: string; flowId: string; uploadId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { clientId, flowId, uploadId } = await ctx.params;
    const f = await getEngine().flows.uploadFile(p, { clientId, flowId, uploadId });
    const name = (f.name.split(/[\\/]/).pop() || "upload").replace(/[^A-Za-z0-9._-]/g, "_");
    return new Response(Readable.toWeb(Readable.from(f.body)) as ReadableStream, {
      headers: {
        "Content-Type": "application/octet-stream",
        "Content-Length": String(f.size),
        "Content-Disposition": `attachment; filename="${name}"`,
        "X-Content-SHA256": f.sha256,
        "Cache-Control": "no-store",
      },
    });
  });
}
