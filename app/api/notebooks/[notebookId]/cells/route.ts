// POST /api/notebooks/:id/cells {type: "vql"|"markdown", input?, position?}: add a cell.
import { json, readJsonObject, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ notebookId: string }> }) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const b = await readJsonObject(req);
    const cell = await notebooksService().addCell(p, (await ctx.params).notebookId, {
      type: b.type === "markdown" ? "markdown" : "vql",
      input: typeof b.input === "string" ? b.input : "",
      position: typeof b.position === "number" ? b.position : undefined,
    });
    return json({ cell }, 201);
  });
}
