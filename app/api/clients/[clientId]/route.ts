// GET /api/clients/:clientId: one client (recorded as recently viewed by the caller).
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(_req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { clientId } = await ctx.params;
    return json({ client: await getEngine().clients.get(p, clientId, { view: true }) });
  });
}
