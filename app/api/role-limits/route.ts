// GET /api/role-limits: every role's limits (longest timeout, row cap, concurrent runs per
// user). Administrators only (the service checks SERVER_ADMIN as well).
import { getEngine } from "@/app/_server/engine";
import { json, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("SERVER_ADMIN", async (p) => json({ limits: await getEngine().limits.list(p) }));
}
