// POST /api/clients/:clientId/vfs/refresh {path, depth?}: lists the directory on the endpoint
// (depth > 0: its subdirectories too) as a System.VFS.ListDirectory collection; answers 201
// {flow}. COLLECT_CLIENT, as any collection (the flows service checks the rest).
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { RefreshBody } from "../schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("COLLECT_CLIENT", async (p) => {
    const body = await readBody(req, RefreshBody);
    return json({ flow: await getEngine().vfs.refresh(p, { clientId: (await ctx.params).clientId, path: body.path, depth: body.depth }) }, 201);
  });
}
