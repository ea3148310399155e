// GET /api/hunts/:huntId: {hunt} with its exact counts per queue and its clients' first page
// (?clients=N, default 100; ?state=pending|running|completed|with_results|error).
// PATCH /api/hunts/:huntId {state?: RUNNING|STOPPED, description?, expires?}: start (START_HUNT),
// stop, edit (COLLECT_CLIENT); answers {hunt}.
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import type { HuntClientState } from "@/engine";
import { HuntPatch } from "../schemas";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ huntId: string }> };
const STATES = new Set(["pending", "running", "completed", "with_results", "error"]);

export function GET(req: Request, ctx: Ctx) {
  return withPrincipal("READ_RESULTS", async (p) => {
    const { huntId } = await ctx.params;
    const url = new URL(req.url);
    const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get("clients") ?? 100) || 100));
    const state = url.searchParams.get("state") ?? undefined;
    const engine = getEngine();
    const hunt = await engine.hunts.get(p, huntId);
    const clients = await engine.hunts.clients(p, huntId, { limit, state: state && STATES.has(state) ? (state as HuntClientState) : undefined });
    return json({ hunt, clients });
  });
}

export function PATCH(req: Request, ctx: Ctx) {
  return withPrincipal("COLLECT_CLIENT", async (p) => {
    const { huntId } = await ctx.params;
    const change = await readBody(req, HuntPatch);
    return json({ hunt: await getEngine().hunts.update(p, huntId, change) });
  });
}
