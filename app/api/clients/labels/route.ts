// GET /api/clients/labels: labels in use with counts. POST {clientIds, labels, op: set|remove}:
// label or unlabel clients (LABEL_CLIENT; audited).
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, readJsonObject, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("READ_RESULTS", async (p) => json({ labels: await getEngine().clients.labelsInUse(p) }));
}

export function POST(req: Request) {
  return withPrincipal("LABEL_CLIENT", async (p) => {
    const body = await readJsonObject(req);
    const ids = body.clientIds;
    const labels = body.labels;
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === "string")) throw new BadRequest("`clientIds` must be a list of client ids");
    if (!Array.isArray(labels) || !labels.every((x) => typeof x === "string")) throw new BadRequest("`labels` must be a list of strings");
    if (body.op !== "set" && body.op !== "remove") throw new BadRequest("`op` must be set or remove");
    await getEngine().clients.label(p, ids, labels, body.op);
    return json({ ok: true });
  });
}
