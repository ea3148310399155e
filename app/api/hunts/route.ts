// GET /api/hunts?offset&limit: {hunts, total}, newest first, each with its exact counts per
// queue (READ_RESULTS). POST /api/hunts {artifacts, parameters?, description?, tags?, expires?,
// includeLabels?, excludeLabels?, os?, serverCondition?, clientRate?, clientLimit?, timeoutSec?,
// maxRows?, maxUploadBytes?, pause? (default true)}: creates a hunt (COLLECT_CLIENT paused,
// START_HUNT running; the service checks); answers {hunt} with 201.
import { getEngine } from "../../_server/engine";
import { BadRequest, json, readBody, withPrincipal } from "../../_server/respond";
import { HuntCreate, HuntListQuery } from "./schemas";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const q = HuntListQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!q.success) throw new BadRequest(`\`${String(q.error.issues[0]?.path[0] ?? "query")}\`: ${q.error.issues[0]?.message}`);
    const page = await getEngine().hunts.list(p, q.data);
    return json({ hunts: page.items, total: page.total });
  });
}

export function POST(req: Request) {
  return withPrincipal("COLLECT_CLIENT", async (p) => {
    const spec = await readBody(req, HuntCreate);
    return json({ hunt: await getEngine().hunts.create(p, spec) }, 201);
  });
}
