// POST /api/clients/:clientId/vfs/notebook {path}: "Open in notebook": a new notebook owned by
// the caller whose cell reads the directory's listing with source() (NOTEBOOK_EDITOR; reading
// the cache needs READ_RESULTS, which every role with NOTEBOOK_EDITOR has); answers 201 {notebookId}.
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { createVfsNotebook } from "@/app/_server/vfs";
import { PathBody } from "../schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const { path } = await readBody(req, PathBody);
    return json({ notebookId: await createVfsNotebook(p, (await ctx.params).clientId, path) }, 201);
  });
}
