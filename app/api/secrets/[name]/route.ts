// PATCH /api/secrets/:name {type?, addUsers?, removeUsers?, values?}: shares, unshares or
// replaces the values. DELETE /api/secrets/:name[?type=...]: deletes it. Administrators only;
// responses carry the summary (never values).
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { ModifySecret } from "../schemas";

export const dynamic = "force-dynamic";

export function PATCH(req: Request, ctx: { params: Promise<{ name: string }> }) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const { name } = await ctx.params;
    const change = await readBody(req, ModifySecret);
    return json({ secret: await getEngine().secrets.modify(p, decodeURIComponent(name), change) });
  });
}

export function DELETE(req: Request, ctx: { params: Promise<{ name: string }> }) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const { name } = await ctx.params;
    const type = new URL(req.url).searchParams.get("type") ?? undefined;
    await getEngine().secrets.remove(p, decodeURIComponent(name), type);
    return json({ ok: true });
  });
}
