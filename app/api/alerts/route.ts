// GET /api/alerts?status=&status=&severity=&client=&label=&artifact=&since=&until=&search=
// &assignee=&limit=&offset=: a page of inbox entries (newest last seen first) and the total.
// status and severity repeat (or take commas); since/until are ISO 8601 or epoch seconds.
import { alertsService, filterFromQuery, summaryJson } from "@/app/_server/alerts";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { alerts, total } = await alertsService().list(p, filterFromQuery(new URL(req.url).searchParams));
    return json({ alerts: alerts.map(summaryJson), total });
  });
}
