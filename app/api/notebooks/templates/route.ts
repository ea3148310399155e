// GET /api/notebooks/templates: the templates "New notebook" offers.
import { json, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("READ_RESULTS", async () => json({ templates: await notebooksService().templates() }));
}
