// POST /api/hunts/:huntId/rerun {states?: ["error"]}: every client of the hunt in error (failed or
// timed out) gets a new flow in the same hunt, back to running; answers {hunt, relaunched}.
// START_HUNT (the service checks); audited (HuntRerun).
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, withPrincipal } from "@/app/_server/respond";
import { HuntRerunBody } from "../../schemas";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ huntId: string }> };

export function POST(req: Request, ctx: Ctx) {
  return withPrincipal("START_HUNT", async (p) => {
    const { huntId } = await ctx.params;
    // The body may be empty (the default: clients in error).
    const text = await req.text();
    if (text.length > 4096) throw new BadRequest("the request body is too large");
    let raw: unknown = {};
    try {
      raw = text.trim() ? JSON.parse(text) : {};
    } catch {
      throw new BadRequest("the request body is not valid JSON");
    }
    const parsed = HuntRerunBody.safeParse(raw);
    if (!parsed.success) throw new BadRequest(parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "body"}: ${i.message}`).join("; "));
    const body = parsed.data;
    const engine = getEngine();
    const relaunched = await engine.hunts.rerun(p, huntId, body);
    return json({ hunt: await engine.hunts.get(p, huntId), relaunched });
  });
}
