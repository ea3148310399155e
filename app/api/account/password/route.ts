// POST /api/account/password {current, password}: a user changes their own password.
import { getEngine } from "@/app/_server/engine";
import { json, readJsonObject, str, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return withPrincipal(undefined, async (p) => {
    const body = await readJsonObject(req);
    await getEngine().accounts.changeOwnPassword(p, str(body, "current"), str(body, "password"));
    return json({ ok: true });
  });
}
