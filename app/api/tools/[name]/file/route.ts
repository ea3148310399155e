// PUT /api/tools/:name/file?version=&filename=: an administrator uploads the file of a tool in
// the inventory (the raw request body, application/octet-stream). The server stores it, its
// sha256 becomes the tool's hash and the tool is served locally (an admin override, as
// inventory_add(file=...)). Bodies here may be up to MAX_TOOL_BYTES (256 MiB, the service's
// cap) rather than the 1 MiB of JSON routes, because tools are programs; the body is read as a
// stream and refused (413) as soon as it passes the cap, or at once from its Content-Length.
import { MAX_TOOL_BYTES } from "@/engine";
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, readQuery, withPrincipal } from "@/app/_server/respond";
import { ToolName, UploadQuery } from "../../schemas";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string }> };

class TooLarge extends Error {}

/** The whole body, at most `max` bytes. */
async function readCapped(req: Request, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > max) throw new TooLarge();
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function PUT(req: Request, ctx: Ctx) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const name = ToolName.safeParse(decodeURIComponent((await ctx.params).name));
    if (!name.success) throw new BadRequest(`name: ${name.error.issues[0]?.message ?? "not a tool name"}`);
    const q = readQuery(req, UploadQuery);
    const version = q.version ?? "";
    const tools = getEngine().tools;
    const existing = (await tools.list(p)).find((t) => t.name === name.data && t.version === version);
    if (!existing) return json({ error: "not_found", message: `tool ${name.data}${version ? ` version ${version}` : ""} is not in the inventory` }, 404);
    let data: Uint8Array;
    try {
      data = await readCapped(req, MAX_TOOL_BYTES);
    } catch (err) {
      if (err instanceof TooLarge) return json({ error: "too_large", message: `a tool's file is at most ${MAX_TOOL_BYTES / (1024 * 1024)} MiB` }, 413);
      throw err;
    }
    if (!data.length) throw new BadRequest("the request body (the tool's file) is empty");
    const tool = await tools.add(p, { tool: name.data, version, data, filename: q.filename || existing.filename, artifact: existing.artifact });
    return json({ tool });
  });
}
