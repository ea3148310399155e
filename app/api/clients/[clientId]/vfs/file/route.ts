// GET /api/clients/:clientId/vfs/file?path=: the bytes of the file's latest download (its
// System.VFS.DownloadFile flow's upload), streamed as the flow upload route does (READ_RESULTS).
import { Readable } from "node:stream";
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";
import { parseQuery, PathQuery } from "../schemas";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { path } = parseQuery(req, PathQuery);
    const { clientId } = await ctx.params;
    const engine = getEngine();
    const { download } = await engine.vfs.stat(p, { clientId, path });
    const upload = download ? (await engine.flows.uploads(p, { clientId, flowId: download.flowId })).find((u) => u.sha256 === download.sha256) : undefined;
    if (!download || !upload) return json({ error: "not_found", message: "this file has not been downloaded" }, 404);
    const f = await engine.flows.uploadFile(p, { clientId, flowId: download.flowId, uploadId: upload.uploadId });
    const name = (path.split(/[\\/]/).pop() || "download").replace(/[^A-Za-z0-9._-]/g, "_");
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
