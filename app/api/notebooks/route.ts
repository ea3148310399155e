// GET /api/notebooks?scope=all|mine|shared&search=&sort=modified|name|created: notebooks the
// caller may read. POST /api/notebooks {name, description?, template?, parameters?,
// collaborators?, isPublic?}: create one (NOTEBOOK_EDITOR).
import { json, readJsonObject, withPrincipal } from "../../_server/respond";
import { intParam, notebooksService } from "../../_server/notebooks";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const sp = new URL(req.url).searchParams;
    const scope = sp.get("scope");
    const sort = sp.get("sort");
    const result = await notebooksService().list(p, {
      scope: scope === "mine" || scope === "shared" ? scope : "all",
      search: sp.get("search") ?? undefined,
      sort: sort === "name" || sort === "created" ? sort : "modified",
      limit: intParam(sp, "limit", 100),
      offset: intParam(sp, "offset", 0),
    });
    return json(result);
  });
}

export function POST(req: Request) {
  return withPrincipal("NOTEBOOK_EDITOR", async (p) => {
    const b = await readJsonObject(req);
    const notebook = await notebooksService().create(p, {
      name: String(b.name ?? ""),
      description: typeof b.description === "string" ? b.description : undefined,
      template: typeof b.template === "string" && b.template ? b.template : undefined,
      parameters: b.parameters && typeof b.parameters === "object" ? (b.parameters as Record<string, string>) : undefined,
      collaborators: Array.isArray(b.collaborators) ? b.collaborators.map(String) : undefined,
      isPublic: b.isPublic === true,
    });
    return json({ notebook }, 201);
  });
}
