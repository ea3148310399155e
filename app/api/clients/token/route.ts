// GET /api/clients/token: the deployment token agents enrol with (administrators only).
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("SERVER_ADMIN", async (p) => json({ token: await getEngine().clients.deploymentToken(p) }));
}
