// POST /api/clients/:clientId/vfs/download {path}: uploads the file from the endpoint as a
// System.VFS.DownloadFile collection; answers 201 {flow} (COLLECT_CLIENT). Its bytes are then
// served by GET vfs/file?path=.
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { PathBody } from "../schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("COLLECT_CLIENT", async (p) => {
    const { path } = await readBody(req, PathBody);
    return json({ flow: await getEngine().vfs.download(p, { clientId: (await ctx.params).clientId, path }) }, 201);
  });
}
