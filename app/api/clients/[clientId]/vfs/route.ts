// GET /api/clients/:clientId/vfs?path=&offset=&limit=: one page of a directory's cached
// entries in name order, with when it was listed (null: never) and its entry count (READ_RESULTS).
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";
import { ListQuery, parseQuery } from "./schemas";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const q = parseQuery(req, ListQuery);
    return json(await getEngine().vfs.list(p, { clientId: (await ctx.params).clientId, ...q }));
  });
}
