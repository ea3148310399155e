// GET /api/alerts/:alertId/context?window=<seconds>: the source artifact's rows from the alert's
// client around its last occurrence (the service's default: 300 s either side): {context:
// {artifact, clientId, start, end, rows, query}}.
import { alertIdParam, alertsService, contextJson, windowFromQuery } from "@/app/_server/alerts";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ alertId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const id = alertIdParam((await ctx.params).alertId);
    const windowSeconds = windowFromQuery(new URL(req.url).searchParams);
    return json({ context: contextJson(await alertsService().context(p, id, windowSeconds === undefined ? {} : { windowSeconds })) });
  });
}
