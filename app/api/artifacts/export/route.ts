// GET /api/artifacts/export: every custom artifact in a zip, at <Dotted>/<Path>.yaml (READ_RESULTS).
import { getEngine } from "@/app/_server/engine";
import { withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { filename, data } = await getEngine().artifacts.exportAll(p);
    return new Response(new Blob([data as Uint8Array<ArrayBuffer>]), {
      headers: { "Content-Type": "application/zip", "Content-Disposition": `attachment; filename="${filename}"`, "Cache-Control": "no-store" },
    });
  });
}
