// GET /api/notebooks/:id/cells/:cellId/tables/:tableId/download?format=csv|json[&sort=&desc=&filter=&filterColumn=]
// The whole table, streamed from the database in batches.
import { BadRequest, withPrincipal } from "@/app/_server/respond";
import { attachment, notebooksService, streamOf, viewFromQuery } from "@/app/_server/notebooks";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ notebookId: string; cellId: string; tableId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { notebookId, cellId, tableId } = await ctx.params;
    const sp = new URL(req.url).searchParams;
    const format = sp.get("format") ?? "csv";
    if (format !== "csv" && format !== "json") throw new BadRequest("`format` is csv or json");
    const d = await notebooksService().download(p, notebookId, cellId, Number(tableId), format, viewFromQuery(sp));
    return new Response(streamOf(d.body), { headers: { "Content-Type": d.contentType, "Content-Disposition": attachment(d.filename), "Cache-Control": "no-store" } });
  });
}
