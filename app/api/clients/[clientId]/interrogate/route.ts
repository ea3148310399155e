// POST /api/clients/:clientId/interrogate: collects Generic.Client.Info from the client again
// (the client page's Interrogate button, as in Velociraptor's GUI), answering {flow} (COLLECT_CLIENT).
// Its completion refills the client record and is a System.Flow.Completion like any other, so
// event queries watching interrogations (AutomateServerLabels) see it.
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function POST(_req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("COLLECT_CLIENT", async (p) => json({ flow: await getEngine().interrogation.interrogate(p, (await ctx.params).clientId) }, 201));
}
