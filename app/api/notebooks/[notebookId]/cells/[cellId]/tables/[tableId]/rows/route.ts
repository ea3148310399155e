// GET /api/notebooks/:id/cells/:cellId/tables/:tableId/rows?offset=&limit=&sort=&desc=1&filter=&filterColumn=
// One page of a stored result table; sorting and filtering run in the database.
import { withPrincipal } from "@/app/_server/respond";
import { intParam, notebooksService, viewFromQuery } from "@/app/_server/notebooks";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ notebookId: string; cellId: string; tableId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { notebookId, cellId, tableId } = await ctx.params;
    const sp = new URL(req.url).searchParams;
    const page = await notebooksService().rows(p, notebookId, cellId, Number(tableId), {
      offset: intParam(sp, "offset", 0),
      limit: intParam(sp, "limit", 200),
      ...viewFromQuery(sp),
    });
    // Rows are stored JSON text: splice them in rather than parse and re-serialize.
    const rows = page.rows.map((r) => `{"ord":${r.ord},"row":${r.json}}`).join(",");
    const head = JSON.stringify({ columns: page.columns, total: page.total, offset: page.offset, complete: page.complete, truncated: page.truncated });
    return new Response(`${head.slice(0, -1)},"rows":[${rows}]}`, { headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
  });
}

