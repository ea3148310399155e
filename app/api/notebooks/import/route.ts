// POST /api/notebooks/import: a notebook in the plain-text format (the request body as text, or
// JSON {text}) becomes a new notebook of the caller's.
import { BadRequest, json, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const raw = await req.text();
    if (raw.length > 5 * 1024 * 1024) throw new BadRequest("the file is larger than 5 MiB");
    let text = raw;
    if ((req.headers.get("content-type") ?? "").includes("application/json")) {
      const body = JSON.parse(raw) as { text?: unknown };
      if (typeof body.text !== "string") throw new BadRequest("`text` must be the notebook's text");
      text = body.text;
    }
    return json({ notebook: await notebooksService().importText(p, text) }, 201);
  });
}
