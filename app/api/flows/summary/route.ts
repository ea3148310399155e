// GET /api/flows/summary?since=ISO: flows created since then, by state, and their stored rows.
import { getEngine } from "../../../_server/engine";
import { BadRequest, json, withPrincipal } from "../../../_server/respond";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const since = new Date(new URL(req.url).searchParams.get("since") ?? 0);
    if (Number.isNaN(since.getTime())) throw new BadRequest("`since` must be a date");
    return json(await getEngine().flows.summary(p, { since }));
  });
}
