// POST /api/auth/login: form post from the sign-in page (or JSON from scripts). Sets the
// httpOnly session cookie. The front door has already checked the Origin (login CSRF).
import { getEngine } from "@/app/_server/engine";
import { requestClientAddress, safeNextPath, SESSION_COOKIE } from "@/app/_server/auth";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  const engine = getEngine();
  const isJson = (req.headers.get("content-type") ?? "").includes("application/json");
  let username = "";
  let password = "";
  let next = "/";
  try {
    if (isJson) {
      const body = (await req.json()) as Record<string, unknown>;
      username = String(body.username ?? "");
      password = String(body.password ?? "");
    } else {
      const form = await req.formData();
      username = String(form.get("username") ?? "");
      password = String(form.get("password") ?? "");
      next = safeNextPath(form.get("next"));
    }
  } catch {
    return Response.json({ error: "bad_request", message: "send username and password as a form or JSON" }, { status: 400 });
  }
  // The front door's verdict on who is asking; X-Forwarded-For counts only from a trusted proxy.
  const who = requestClientAddress(req);
  const result = await engine.accounts.signIn(username, password, { userAgent: req.headers.get("user-agent") ?? "", ip: who.address, peer: who.peer, forwardedFor: who.forwardedFor });
  if (!result.ok) {
    if (isJson) {
      const throttled = result.retryAfterSeconds !== undefined;
      return Response.json(
        { error: throttled ? "rate_limited" : "unauthorized", message: result.reason },
        { status: throttled ? 429 : 401, headers: throttled ? { "Retry-After": String(result.retryAfterSeconds) } : {} },
      );
    }
    const u = new URL("/login", "http://x");
    u.searchParams.set("error", result.reason);
    // The form keeps the user name (never the password) for the next try.
    if (username && username.length <= 200) u.searchParams.set("username", username);
    if (next !== "/") u.searchParams.set("next", next);
    return new Response(null, { status: 303, headers: { Location: u.pathname + u.search } });
  }
  const secure = new URL(req.url).protocol === "https:" ? "; Secure" : "";
  const maxAge = Math.round((result.expiresAt.getTime() - Date.now()) / 1000);
  const cookie = `${SESSION_COOKIE}=${result.token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
  if (isJson) {
    return Response.json({ ok: true, username: result.principal.username }, { headers: { "Set-Cookie": cookie, "Cache-Control": "no-store" } });
  }
  return new Response(null, { status: 303, headers: { Location: next, "Set-Cookie": cookie } });
}
