// POST /api/artifacts/:name/rename {to}: rename a custom artifact (history follows it).
import { getEngine } from "@/app/_server/engine";
import { json, readJsonObject, str, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ name: string }> }) {
  return withPrincipal("ARTIFACT_WRITER", async (p) => {
    const { name } = await ctx.params;
    const body = await readJsonObject(req);
    const artifact = await getEngine().artifacts.rename(p, decodeURIComponent(name), str(body, "to").trim());
    return json({ artifact });
  });
}
