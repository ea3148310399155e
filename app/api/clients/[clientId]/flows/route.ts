// GET /api/clients/:clientId/flows?offset=&limit=&artifact=: the client's collections, newest
// first (with `artifact`, only those that collected it: the Shell tab's history).
// POST {artifacts, parameters?, timeoutSec?, maxRows?}: start a collection (COLLECT_CLIENT).
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, readJsonObject, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

const ARTIFACT_NAME = /^[A-Za-z0-9_.]{1,200}$/;

export function GET(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const u = new URL(req.url);
    const artifact = u.searchParams.get("artifact") ?? undefined;
    if (artifact !== undefined && !ARTIFACT_NAME.test(artifact)) throw new BadRequest("`artifact` must be an artifact name");
    const r = await getEngine().flows.list(p, (await ctx.params).clientId, { offset: Number(u.searchParams.get("offset") ?? 0) || 0, limit: Number(u.searchParams.get("limit") ?? 50) || 50, artifact });
    return json(r);
  });
}

export function POST(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("COLLECT_CLIENT", async (p) => {
    const body = await readJsonObject(req);
    if (!Array.isArray(body.artifacts) || !body.artifacts.length || !body.artifacts.every((a) => typeof a === "string")) throw new BadRequest("`artifacts` must be a non-empty list of artifact names");
    const parameters = body.parameters ?? {};
    if (typeof parameters !== "object" || Array.isArray(parameters)) throw new BadRequest("`parameters` must be an object");
    const flow = await getEngine().flows.collect(p, {
      clientId: (await ctx.params).clientId,
      artifacts: body.artifacts as string[],
      parameters: parameters as Record<string, unknown>,
      timeoutSec: typeof body.timeoutSec === "number" ? body.timeoutSec : undefined,
      maxRows: typeof body.maxRows === "number" ? body.maxRows : undefined,
    });
    return json({ flow }, 201);
  });
}
