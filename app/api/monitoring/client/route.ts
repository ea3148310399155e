// GET /api/monitoring/client: the client event table {table: {artifacts, labelEvents}, version,
// updatedBy, updatedAt}. PUT {artifacts, labelEvents: [{label, artifacts}]}: replaces it
// (COLLECT_CLIENT; checked, audited and pushed to connected agents by the service).
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { ClientTable } from "../schemas";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("READ_RESULTS", async (p) => json(await getEngine().monitoring.clientTable(p)));
}

export function PUT(req: Request) {
  return withPrincipal("COLLECT_CLIENT", async (p) => json(await getEngine().monitoring.setClientTable(p, await readBody(req, ClientTable))));
}
