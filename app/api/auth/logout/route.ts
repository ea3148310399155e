// POST /api/auth/logout: ends the session server-side and clears the cookie.
import { cookies } from "next/headers";
import { getEngine } from "@/app/_server/engine";
import { SESSION_COOKIE } from "@/app/_server/auth";

export const dynamic = "force-dynamic";

export async function POST() {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (token) await getEngine().accounts.signOut(token);
  return new Response(null, {
    status: 303,
    headers: { Location: "/login", "Set-Cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` },
  });
}
