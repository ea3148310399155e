// GET /api/monitoring/server: the server event table {table, version, updatedBy, updatedAt} and
// each query's state (status). PUT {artifacts: [{artifact, parameters}]}: replaces the table
// (COLLECT_SERVER; checked and audited by the service).
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { ServerTable } from "../schemas";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("READ_RESULTS", async (p) => {
    const m = getEngine().monitoring;
    return json({ ...(await m.serverTable(p)), status: await m.serverStatus(p) });
  });
}

export function PUT(req: Request) {
  return withPrincipal("COLLECT_SERVER", async (p) => json(await getEngine().monitoring.setServerTable(p, (await readBody(req, ServerTable)).artifacts)));
}
