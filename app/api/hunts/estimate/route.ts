// POST /api/hunts/estimate {includeLabels?, excludeLabels?, os?, serverCondition?, clientLimit?}:
// the new-hunt wizard's live estimate, {matching, online, serverConditionErrors?, partial?}: how
// many clients the selection matches now (the server-side condition over their stored facts,
// bounded to about 10 s and a capped number of clients: `partial` when cut short) and how many of
// them are online. COLLECT_CLIENT, what proposing a paused hunt needs (the service checks).
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { HuntEstimateBody } from "../schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return withPrincipal("COLLECT_CLIENT", async (p) => {
    const spec = await readBody(req, HuntEstimateBody);
    return json(await getEngine().hunts.estimate(p, spec));
  });
}
