// POST /api/monitoring/server/artifacts {artifact, parameters}: adds a SERVER_EVENT artifact to
// the server event table (or replaces its parameters); it runs as the caller. DELETE
// ?artifact=X removes it. COLLECT_SERVER; audited by the service.
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, readBody, withPrincipal } from "@/app/_server/respond";
import { Change } from "../../schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return withPrincipal("COLLECT_SERVER", async (p) => json(await getEngine().monitoring.addServerArtifact(p, await readBody(req, Change))));
}

export function DELETE(req: Request) {
  return withPrincipal("COLLECT_SERVER", async (p) => {
    const artifact = new URL(req.url).searchParams.get("artifact");
    if (!artifact) throw new BadRequest("give ?artifact=Name");
    return json(await getEngine().monitoring.removeServerArtifact(p, artifact));
  });
}
