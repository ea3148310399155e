// GET /api/tools: the tool inventory (every role holding READ_RESULTS, like inventory()).
// POST /api/tools {tool, version?, url, hash?, filename?}: an administrator points an existing
// tool at a url (and the sha256 agents check), an admin override; its stored file, if any, is
// dropped and it is no longer served locally.
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { SetToolUrl } from "./schemas";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("READ_RESULTS", async (p) => json({ tools: await getEngine().tools.list(p) }));
}

export function POST(req: Request) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const body = await readBody(req, SetToolUrl);
    const tools = getEngine().tools;
    const version = body.version ?? "";
    const existing = (await tools.list(p)).find((t) => t.name === body.tool && t.version === version);
    if (!existing) return json({ error: "not_found", message: `tool ${body.tool}${version ? ` version ${version}` : ""} is not in the inventory` }, 404);
    const tool = await tools.add(p, { tool: body.tool, version, url: body.url, hash: body.hash ?? "", filename: body.filename || existing.filename, serveLocally: false, artifact: existing.artifact });
    return json({ tool });
  });
}
