// GET /api/users: list users; POST /api/users: create one. Administrators only (the service
// checks SERVER_ADMIN as well).
import { getEngine } from "../../_server/engine";
import { json, readJsonObject, str, withPrincipal } from "../../_server/respond";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("SERVER_ADMIN", async (p) => json({ users: await getEngine().accounts.listUsers(p) }));
}

export function POST(req: Request) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const body = await readJsonObject(req);
    const user = await getEngine().accounts.createUser(p, { username: str(body, "username"), password: str(body, "password"), role: str(body, "role") });
    return json({ user }, 201);
  });
}
