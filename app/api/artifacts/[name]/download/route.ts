// GET /api/artifacts/:name/download: the artifact's YAML as a file (READ_RESULTS).
import { getEngine } from "@/app/_server/engine";
import { withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(_req: Request, ctx: { params: Promise<{ name: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { name } = await ctx.params;
    const { filename, yaml } = await getEngine().artifacts.exportOne(p, decodeURIComponent(name));
    return new Response(yaml, {
      headers: {
        "Content-Type": "application/yaml; charset=utf-8",
        "Content-Disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
        "Cache-Control": "no-store",
      },
    });
  });
}
