// POST /api/flows {clientIds? | search?, artifacts, parameters?, timeoutSec?, maxRows?}: the same
// collection on many clients at once (COLLECT_CLIENT); returns the flows created.
import { getEngine } from "../../_server/engine";
import { BadRequest, json, readJsonObject, withPrincipal } from "../../_server/respond";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return withPrincipal("COLLECT_CLIENT", async (p) => {
    const body = await readJsonObject(req);
    if (!Array.isArray(body.artifacts) || !body.artifacts.length || !body.artifacts.every((a) => typeof a === "string")) throw new BadRequest("`artifacts` must be a non-empty list of artifact names");
    if (body.clientIds === undefined && typeof body.search !== "string") throw new BadRequest("give `clientIds` or a `search`");
    if (body.clientIds !== undefined && (!Array.isArray(body.clientIds) || !body.clientIds.every((c) => typeof c === "string"))) throw new BadRequest("`clientIds` must be a list of client ids");
    const flows = await getEngine().flows.collectMany(p, {
      clientIds: body.clientIds as string[] | undefined,
      search: typeof body.search === "string" ? body.search : undefined,
      artifacts: body.artifacts as string[],
      parameters: (body.parameters ?? {}) as Record<string, unknown>,
      timeoutSec: typeof body.timeoutSec === "number" ? body.timeoutSec : undefined,
      maxRows: typeof body.maxRows === "number" ? body.maxRows : undefined,
    });
    return json({ flows, count: flows.length }, 201);
  });
}
