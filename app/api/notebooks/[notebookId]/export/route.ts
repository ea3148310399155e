// GET /api/notebooks/:id/export?format=md|html: the plain-text format, or one self-contained
// HTML file with the results.
import { withPrincipal } from "@/app/_server/respond";
import { attachment, notebooksService } from "@/app/_server/notebooks";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ notebookId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const id = (await ctx.params).notebookId;
    const format = new URL(req.url).searchParams.get("format");
    if (format === "html") {
      const { filename, html } = await notebooksService().exportHtml(p, id);
      return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Content-Disposition": attachment(filename), "Cache-Control": "no-store" } });
    }
    const { filename, text } = await notebooksService().exportText(p, id);
    return new Response(text, { headers: { "Content-Type": "text/markdown; charset=utf-8", "Content-Disposition": attachment(filename), "Cache-Control": "no-store" } });
  });
}
