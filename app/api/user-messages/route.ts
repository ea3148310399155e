// The signed-in user's GUI messages (what user_message() sends them): GET ?limit= lists the
// newest with the unread count, POST {read: true} marks them all read. A user's own messages
// need no permission (as in Velociraptor); the query and body are checked with zod.
import { z } from "zod";
import { getEngine } from "@/app/_server/engine";
import { json, readBody, readQuery, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
const ReadBody = z.object({ read: z.literal(true) });

export function GET(req: Request) {
  return withPrincipal(undefined, async (p) => {
    const { limit } = readQuery(req, ListQuery);
    return json(await getEngine().userMessages.list(p, { limit }));
  });
}

export function POST(req: Request) {
  return withPrincipal(undefined, async (p) => {
    await readBody(req, ReadBody);
    await getEngine().userMessages.markRead(p);
    return json({ ok: true });
  });
}
