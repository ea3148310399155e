// PUT /api/role-limits/<role> {maxTimeoutSeconds, maxRows, maxConcurrent}: sets one role's
// limits (audited as role_limits_set). Administrators only.
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { SetRoleLimits } from "../schemas";

export const dynamic = "force-dynamic";

export function PUT(req: Request, ctx: { params: Promise<{ role: string }> }) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const { role } = await ctx.params;
    const body = await readBody(req, SetRoleLimits);
    return json({ limits: await getEngine().limits.set(p, decodeURIComponent(role), body) });
  });
}
