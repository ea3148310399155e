// GET /api/api-keys: list; POST {username, name}: issue one (the key is shown once).
import { getEngine } from "../../_server/engine";
import { json, readJsonObject, str, withPrincipal } from "../../_server/respond";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("SERVER_ADMIN", async (p) => json({ keys: await getEngine().accounts.listApiKeys(p) }));
}

export function POST(req: Request) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const body = await readJsonObject(req);
    const issued = await getEngine().accounts.issueApiKey(p, str(body, "username"), str(body, "name", { optional: true }));
    return json(issued, 201);
  });
}
