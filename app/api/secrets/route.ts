// GET /api/secrets: every secret's name, type, field names and users (never values).
// POST /api/secrets {name, type, values}: adds one. Administrators only (the service checks
// SERVER_ADMIN as well); the response is the summary, never the values.
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { AddSecret } from "./schemas";

export const dynamic = "force-dynamic";

export function GET() {
  return withPrincipal("SERVER_ADMIN", async (p) => json({ secrets: await getEngine().secrets.list(p) }));
}

export function POST(req: Request) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const body = await readBody(req, AddSecret);
    return json({ secret: await getEngine().secrets.add(p, { name: body.name, type: body.type, values: body.values }) }, 201);
  });
}
