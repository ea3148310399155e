// GET /api/server/metadata: the server's metadata (server_metadata()) as {metadata: {key: value}};
// PUT {set: {key: value | null}, remove: [key]}: a NULL value removes the key, as in
// Velociraptor; answers {updated: [key], metadata}. SERVER_ADMIN for both (the service checks
// again). Values are often secrets: the request body is never logged.
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { ServerMetadataChange } from "@/app/api/server/schemas";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("SERVER_ADMIN", async (p) => json({ metadata: Object.fromEntries(await getEngine().clients.serverMetadata(p)) }));
}

export function PUT(req: Request) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const { set, remove } = await readBody(req, ServerMetadataChange);
    const clients = getEngine().clients;
    const updated = await clients.setServerMetadata(p, set, remove);
    return json({ updated, metadata: Object.fromEntries(await clients.serverMetadata(p)) });
  });
}
