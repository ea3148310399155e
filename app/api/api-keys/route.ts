// GET /api/api-keys: list; POST {username, name?}: issue one (the key is shown once).
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { IssueApiKey } from "./schemas";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("SERVER_ADMIN", async (p) => json({ keys: await getEngine().accounts.listApiKeys(p) }));
}

export function POST(req: Request) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const { username, name } = await readBody(req, IssueApiKey);
    return json(await getEngine().accounts.issueApiKey(p, username, name), 201);
  });
}
