// GET /api/monitoring/events?artifact=Q&client_id=C&start=&end=&offset=&limit=&order=asc|desc:
// stored rows of an event queue (`server` rows for a SERVER_EVENT artifact; one client's, or
// every client's without client_id, for a CLIENT_EVENT one), newest first unless order=asc, as
// {rows: [{at, clientId, row}], columns}. READ_RESULTS.
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, withPrincipal } from "@/app/_server/respond";
import { timeRange } from "../schemas";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withPrincipal("READ_RESULTS", async () => {
    const u = new URL(req.url);
    const artifact = u.searchParams.get("artifact");
    if (!artifact) throw new BadRequest("give ?artifact=Name");
    const e = getEngine();
    const type = e.artifacts.get(artifact.split("/")[0]!, { exact: true })?.type;
    const clientId = u.searchParams.get("client_id") || (type === "CLIENT_EVENT" ? undefined : "server");
    const { start, end } = timeRange(u.searchParams);
    const limit = Math.min(Math.max(Number(u.searchParams.get("limit") ?? 100) || 100, 1), 1000);
    const offset = Math.max(Number(u.searchParams.get("offset") ?? 0) || 0, 0);
    const events = await e.journal.history(artifact, { clientId, start, end, limit, offset, oldestFirst: u.searchParams.get("order") === "asc" });
    const columns: string[] = [];
    for (const ev of events) for (const k of Object.keys(ev.payload)) if (!columns.includes(k)) columns.push(k);
    return json({ artifact, stored: e.journal.isStored(artifact), columns, rows: events.map((ev) => ({ at: ev.at, clientId: ev.clientId, row: ev.payload })) });
  });
}
