// GET /api/health: is the database reachable, which version runs, how many Talon processes
// share the database. Public, cheap, no details that help an attacker beyond the version.
import { getEngine } from "../../_server/engine";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await getEngine().health();
  return Response.json(
    { ok: health.ok, version: health.version, database: { kind: health.database.kind, ok: health.database.ok }, cluster: { processes: health.cluster.processes }, uptimeSeconds: health.uptimeSeconds },
    { status: health.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
