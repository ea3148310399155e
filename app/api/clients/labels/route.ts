// GET /api/clients/labels: labels in use with counts. POST {clientIds, labels, op: set|remove}:
// label or unlabel clients (LABEL_CLIENT; audited).
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { LabelChange } from "@/app/api/clients/schemas";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("READ_RESULTS", async (p) => json({ labels: await getEngine().clients.labelsInUse(p) }));
}

export function POST(req: Request) {
  return withPrincipal("LABEL_CLIENT", async (p) => {
    const { clientIds, labels, op } = await readBody(req, LabelChange);
    await getEngine().clients.label(p, clientIds, labels, op);
    return json({ ok: true });
  });
}
