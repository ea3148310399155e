// POST /api/flows {clientIds? | search?, artifacts, parameters?, timeoutSec?, maxRows?}: the same
// collection on many clients at once (COLLECT_CLIENT); returns the flows created.
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { CollectMany } from "./schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return withPrincipal("COLLECT_CLIENT", async (p) => {
    const flows = await getEngine().flows.collectMany(p, await readBody(req, CollectMany));
    return json({ flows, count: flows.length }, 201);
  });
}
