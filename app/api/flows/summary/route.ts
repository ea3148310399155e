// GET /api/flows/summary?since=ISO[&creator=NAME]: flows created since then (by one creator), by
// state, and their stored rows.
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const u = new URL(req.url);
    const since = new Date(u.searchParams.get("since") ?? 0);
    if (Number.isNaN(since.getTime())) throw new BadRequest("`since` must be a date");
    return json(await getEngine().flows.summary(p, { since, creator: u.searchParams.get("creator") ?? undefined }));
  });
}
