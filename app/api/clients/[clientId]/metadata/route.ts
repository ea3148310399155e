// GET /api/clients/:clientId/metadata; PUT {set: {key: value}, remove: [key]} (COLLECT_CLIENT).
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { MetadataChange } from "@/app/api/clients/schemas";

export const dynamic = "force-dynamic";

export function GET(_req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => json({ metadata: await getEngine().clients.metadata(p, (await ctx.params).clientId) }));
}

export function PUT(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal(undefined, async (p) => {
    const { set, remove } = await readBody(req, MetadataChange);
    return json({ metadata: await getEngine().clients.setMetadata(p, (await ctx.params).clientId, set, remove) });
  });
}
