// GET /api/flows/artifacts: CLIENT artifacts that can be collected (the Collect dialog's list),
// with the `resources` (timeout, row and upload limits) each applies when the request sets none.
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("READ_RESULTS", async (p) => {
    const list = await getEngine().flows.collectable(p);
    return json({ artifacts: list.map((a) => ({ name: a.name, description: a.description ?? "", parameters: a.parameters, ...(a.resources ? { resources: a.resources } : {}) })) });
  });
}
