// GET /api/clients/:clientId/vfs/stat?path=: one cached entry (from its directory's listing) and
// its latest download (size, SHA-256), either null (READ_RESULTS).
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";
import { parseQuery, PathQuery } from "../schemas";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { path } = parseQuery(req, PathQuery);
    return json(await getEngine().vfs.stat(p, { clientId: (await ctx.params).clientId, path }));
  });
}
