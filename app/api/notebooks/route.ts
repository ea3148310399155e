// GET /api/notebooks?scope=all|mine|shared&search=&sort=modified|name|created&limit=&offset=:
// notebooks the caller may read. POST /api/notebooks {name?, description?, template?,
// parameters?, collaborators?, isPublic?}: create one (NOTEBOOK_EDITOR).
import { json, readBody, readQuery, withPrincipal } from "@/app/_server/respond";
import { notebooksService } from "@/app/_server/notebooks";
import { CreateNotebook, NotebookListQuery } from "./schemas";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => json(await notebooksService().list(p, readQuery(req, NotebookListQuery))));
}

export function POST(req: Request) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const notebook = await notebooksService().create(p, await readBody(req, CreateNotebook));
    return json({ notebook }, 201);
  });
}
