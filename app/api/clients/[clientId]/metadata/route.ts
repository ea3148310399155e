// GET /api/clients/:clientId/metadata; PUT {set: {key: value}, remove: [key]} (COLLECT_CLIENT).
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, readJsonObject, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(_req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => json({ metadata: await getEngine().clients.metadata(p, (await ctx.params).clientId) }));
}

export function PUT(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal(undefined, async (p) => {
    const body = await readJsonObject(req);
    const set = (body.set ?? {}) as Record<string, unknown>;
    if (typeof set !== "object" || Array.isArray(set)) throw new BadRequest("`set` must be an object of key: value");
    const remove = body.remove ?? [];
    if (!Array.isArray(remove)) throw new BadRequest("`remove` must be a list of keys");
    const values = Object.fromEntries(Object.entries(set).map(([k, v]) => [k, String(v ?? "")]));
    return json({ metadata: await getEngine().clients.setMetadata(p, (await ctx.params).clientId, values, remove.map(String)) });
  });
}
