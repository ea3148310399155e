// GET /api/users: list users; POST /api/users {username, password, role}: create one.
// Administrators only (the service checks SERVER_ADMIN as well).
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { CreateUser } from "./schemas";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("SERVER_ADMIN", async (p) => json({ users: await getEngine().accounts.listUsers(p) }));
}

export function POST(req: Request) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const user = await getEngine().accounts.createUser(p, await readBody(req, CreateUser));
    return json({ user }, 201);
  });
}
