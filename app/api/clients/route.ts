// GET /api/clients?q=&offset=&limit=&online=1: a page of clients matching a search
// (Velociraptor's syntax), with the total.
import { getEngine } from "../../_server/engine";
import { json, withPrincipal } from "../../_server/respond";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const u = new URL(req.url);
    const r = await getEngine().clients.search(p, {
      query: u.searchParams.get("q") ?? "",
      offset: Number(u.searchParams.get("offset") ?? 0) || 0,
      limit: Number(u.searchParams.get("limit") ?? 50) || 50,
      onlineOnly: u.searchParams.get("online") === "1",
    });
    return json(r);
  });
}
