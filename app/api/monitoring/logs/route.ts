// GET /api/monitoring/logs?artifact=Q&client_id=C|server&start=&end=&offset=&limit=: log lines
// of an event query, oldest first. READ_RESULTS.
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, withPrincipal } from "@/app/_server/respond";
import { timeRange } from "../schemas";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const u = new URL(req.url);
    const artifact = u.searchParams.get("artifact");
    if (!artifact) throw new BadRequest("give ?artifact=Name");
    const { start, end } = timeRange(u.searchParams);
    const limit = Math.min(Math.max(Number(u.searchParams.get("limit") ?? 200) || 200, 1), 5000);
    const offset = Math.max(Number(u.searchParams.get("offset") ?? 0) || 0, 0);
    return json({ logs: await getEngine().monitoring.logs(p, { artifact, clientId: u.searchParams.get("client_id") || "server", start, end, limit, offset }) });
  });
}
