// PUT /api/tools/:name/file?version=&filename=: an administrator uploads the file of a tool in
// the inventory (the raw request body, application/octet-stream). The server stores it, its
// sha256 becomes the tool's hash and the tool is served locally (an admin override, as
// inventory_add(file=...)). Bodies here may be up to MAX_TOOL_BYTES (256 MiB, the service's
// cap) rather than the 1 MiB of JSON routes, because tools are programs; readBytes reads it as a
// stream and refuses it (413) as soon as it passes the cap, or at once from its Content-Length.
import { MAX_TOOL_BYTES } from "@/engine";
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, readBytes, readQuery, withPrincipal } from "@/app/_server/respond";
import { ToolName, UploadQuery } from "../../schemas";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string }> };

export function PUT(req: Request, ctx: Ctx) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const name = ToolName.safeParse(decodeURIComponent((await ctx.params).name));
    if (!name.success) throw new BadRequest(`name: ${name.error.issues[0]?.message ?? "not a tool name"}`);
    const q = readQuery(req, UploadQuery);
    const version = q.version ?? "";
    const tools = getEngine().tools;
    const existing = (await tools.list(p)).find((t) => t.name === name.data && t.version === version);
    if (!existing) return json({ error: "not_found", message: `tool ${name.data}${version ? ` version ${version}` : ""} is not in the inventory` }, 404);
    const data = await readBytes(req, MAX_TOOL_BYTES, "a tool's file");
    if (!data.length) throw new BadRequest("the request body (the tool's file) is empty");
    const tool = await tools.add(p, { tool: name.data, version, data, filename: q.filename || existing.filename, artifact: existing.artifact });
    return json({ tool });
  });
}
