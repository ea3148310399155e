// GET /api/audit?before=ID&limit=N&principal=U&operation=O: the audit log, newest first.
import { getEngine } from "../../_server/engine";
import { json, withPrincipal } from "../../_server/respond";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("SERVER_ADMIN", async () => {
    const q = new URL(req.url).searchParams;
    const before = q.get("before") ? Number(q.get("before")) : undefined;
    const limit = Math.min(Number(q.get("limit") ?? 100) || 100, 500);
    const entries = await getEngine().audit.list({
      before: Number.isFinite(before) ? before : undefined,
      limit,
      principal: q.get("principal") || undefined,
      operation: q.get("operation") || undefined,
    });
    return json({ entries });
  });
}
