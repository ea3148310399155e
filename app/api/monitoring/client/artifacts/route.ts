// POST /api/monitoring/client/artifacts {artifact, parameters, label?}: adds a CLIENT_EVENT
// artifact for every client or for a label group. DELETE ?artifact=X[&label=L] removes it.
// COLLECT_CLIENT; audited by the service.
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, readBody, withPrincipal } from "@/app/_server/respond";
import { ClientChange } from "../../schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return withPrincipal("COLLECT_CLIENT", async (p) => json(await getEngine().monitoring.addClientArtifact(p, await readBody(req, ClientChange))));
}

export function DELETE(req: Request) {
  return withPrincipal("COLLECT_CLIENT", async (p) => {
    const u = new URL(req.url);
    const artifact = u.searchParams.get("artifact");
    if (!artifact) throw new BadRequest("give ?artifact=Name");
    return json(await getEngine().monitoring.removeClientArtifact(p, { artifact, label: u.searchParams.get("label") || undefined }));
  });
}
