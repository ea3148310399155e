// POST /api/artifacts/:name/rename {to}: rename a custom artifact (history follows it).
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { RenameArtifact } from "@/app/api/artifacts/schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ name: string }> }) {
  return withPrincipal("ARTIFACT_WRITER", async (p) => {
    const { name } = await ctx.params;
    const { to } = await readBody(req, RenameArtifact);
    const artifact = await getEngine().artifacts.rename(p, decodeURIComponent(name), to);
    return json({ artifact });
  });
}
