// GET /api/server/metadata: the server's metadata (server_metadata()) as {metadata: {key: value}};
// PUT {set: {key: value | null}, remove: [key]}: a NULL value removes the key, as in
// Velociraptor; answers {updated: [key], metadata}. SERVER_ADMIN for both (the service checks
// again). Values are often secrets: the request body is never logged.
import { z } from "zod";
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, readJsonObject, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

const Change = z.object({
  set: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
  remove: z.array(z.string()).default([]),
});

export function GET() {
  return withPrincipal("SERVER_ADMIN", async (p) => json({ metadata: Object.fromEntries(await getEngine().clients.serverMetadata(p)) }));
}

export function PUT(req: Request) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const parsed = Change.safeParse(await readJsonObject(req));
    // zod's issue paths name keys, never values.
    if (!parsed.success) throw new BadRequest(`expected {set: {key: string | null}, remove: [key]}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`);
    const clients = getEngine().clients;
    const set = Object.entries(parsed.data.set).map(([k, v]): [string, string | null] => [k, v === null ? null : String(v)]);
    const updated = await clients.setServerMetadata(p, set, parsed.data.remove);
    return json({ updated, metadata: Object.fromEntries(await clients.serverMetadata(p)) });
  });
}
