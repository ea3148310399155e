// POST /api/alerts/:alertId/notebook {window?} (or no body): "Open in notebook": a new notebook
// of the alert's Markdown and VQL cells, owned by the caller (NOTEBOOK_EDITOR, checked by the
// notebooks service); answers 201 {notebookId}.
import { alertIdParam, createAlertNotebook } from "@/app/_server/alerts";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { NotebookBody } from "../../schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request, ctx: { params: Promise<{ alertId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const id = alertIdParam((await ctx.params).alertId);
    const body = (await req.clone().text()).trim() ? await readBody(req, NotebookBody) : {};
    return json({ notebookId: await createAlertNotebook(p, id, body.window) }, 201);
  });
}
