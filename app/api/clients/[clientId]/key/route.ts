// POST /api/clients/:clientId/key {action: "revoke" | "rekey"} (SERVER_ADMIN): revoke refuses
// every hello with the client's key and closes its connection on every process; re-key lets
// the next hello with the deployment token and a new key re-enrol the same client id. Both
// audited; answers {client}, offline (its connection is being closed).
import { z } from "zod";
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

const Body = z.object({ action: z.enum(["revoke", "rekey"]) }).strict();

export function POST(req: Request, ctx: { params: Promise<{ clientId: string }> }) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const { action } = await readBody(req, Body);
    const clientId = (await ctx.params).clientId;
    const clients = getEngine().clients;
    await (action === "revoke" ? clients.revokeKey(p, clientId) : clients.rekey(p, clientId));
    // Its connection is being closed (the close handshake takes a moment, or another process
    // holds it): the answer must not show it online, or the page would show it so after the
    // socket's "offline" arrived.
    const client = await clients.get(p, clientId);
    return json({ client: { ...client, online: false } });
  });
}
