// GET /api/artifacts/:name: the artifact, its YAML and its history (READ_RESULTS).
// DELETE /api/artifacts/:name: delete a custom artifact (writer permission for its type).
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string }> };

export function GET(_req: Request, ctx: Ctx) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { name } = await ctx.params;
    const engine = getEngine();
    const [artifact, history] = await Promise.all([engine.artifacts.show(p, decodeURIComponent(name)), engine.artifacts.history(p, decodeURIComponent(name))]);
    return json({ artifact, history });
  });
}

export function DELETE(_req: Request, ctx: Ctx) {
  return withPrincipal("ARTIFACT_WRITER", async (p) => {
    const { name } = await ctx.params;
    await getEngine().artifacts.delete(p, decodeURIComponent(name));
    return json({ ok: true });
  });
}
