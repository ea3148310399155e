// POST /api/account/password {current, password}: a user changes their own password; their
// other sessions end, the one sending this stays signed in.
import { cookies } from "next/headers";
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { SESSION_COOKIE } from "@/app/_server/auth";
import { ChangePassword } from "@/app/api/account/schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return withPrincipal(undefined, async (p) => {
    const { current, password } = await readBody(req, ChangePassword);
    const token = (await cookies()).get(SESSION_COOKIE)?.value;
    await getEngine().accounts.changeOwnPassword(p, current, password, token);
    return json({ ok: true });
  });
}
