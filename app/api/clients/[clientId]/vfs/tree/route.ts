// GET /api/clients/:clientId/vfs/tree?path=: the cached subdirectories of a directory (up to
// 1,000), each with whether it was listed (READ_RESULTS).
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";
import { parseQuery, PathQuery } from "../schemas";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { path } = parseQuery(req, PathQuery);
    return json({ directories: await getEngine().vfs.subdirectories(p, { clientId: (await ctx.params).clientId, path }) });
  });
}
