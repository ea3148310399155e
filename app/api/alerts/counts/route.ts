// GET /api/alerts/counts: {new, open} inbox entries (the navigation's badge shows `new`).
import { alertsService } from "@/app/_server/alerts";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("READ_RESULTS", async (p) => json(await alertsService().counts(p)));
}
