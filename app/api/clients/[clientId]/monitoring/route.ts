// GET /api/clients/:clientId/monitoring: the event artifacts this client runs (every-client ones
// and those of its label groups, with the label). READ_RESULTS.
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(_req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => json({ artifacts: await getEngine().monitoring.clientArtifacts(p, (await ctx.params).clientId) }));
}
