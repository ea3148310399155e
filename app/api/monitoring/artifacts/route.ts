// GET /api/monitoring/artifacts?type=SERVER_EVENT|CLIENT_EVENT: the event artifacts that can be
// added to a table, with their parameters (for the add dialog's form). READ_RESULTS.
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async () => {
    const type = new URL(req.url).searchParams.get("type") ?? "";
    if (type !== "SERVER_EVENT" && type !== "CLIENT_EVENT") throw new BadRequest("give ?type=SERVER_EVENT or CLIENT_EVENT");
    const list = getEngine()
      .artifacts.all()
      .filter((a) => a.type === type && a.sources.some((s) => s.query))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((a) => ({
        name: a.name,
        description: a.description,
        parameters: a.parameters.map((p) => ({ name: p.name, type: p.type, description: p.description, default: p.hasDefault ? p.default : undefined, choices: (p as { choices?: unknown }).choices })),
      }));
    return json({ artifacts: list });
  });
}
