// GET /api/alerts/:alertId: {alert} with its occurrences and activity. PATCH /api/alerts/:alertId
// {status?, assignee? (a username, or null / "" to unassign), comment?}: triage (ALERT_TRIAGE,
// which the service checks as well); answers {alert} (the summary after the change).
import { alertIdParam, alertsService, detailJson, summaryJson } from "@/app/_server/alerts";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { AlertPatch } from "../schemas";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ alertId: string }> };

export function GET(_req: Request, ctx: Ctx) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const id = alertIdParam((await ctx.params).alertId);
    return json({ alert: detailJson(await alertsService().get(p, id)) });
  });
}

export function PATCH(req: Request, ctx: Ctx) {
  return withPrincipal("ALERT_TRIAGE", async (p) => {
    const id = alertIdParam((await ctx.params).alertId);
    const change = await readBody(req, AlertPatch);
    return json({ alert: summaryJson(await alertsService().update(p, id, change)) });
  });
}
