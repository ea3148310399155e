// DELETE /api/api-keys/:id revokes a key.
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function DELETE(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    await getEngine().accounts.revokeApiKey(p, (await ctx.params).id);
    return json({ ok: true });
  });
}
