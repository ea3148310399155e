// Who is asking, for pages (redirect to sign-in) and route handlers (401/403 as JSON).
import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Permission, Principal } from "../../engine";
import { getEngine } from "./engine";
import { CLIENT_ADDRESS_HEADER, decodeClientAddress, type ClientAddress } from "@/engine/server/net/client-address";

export { safeNextPath } from "@/engine/server/http/next-path";

/** The real client of a request as the front door (server.ts) determined it; never the raw X-Forwarded-For. */
export function requestClientAddress(req: Request): ClientAddress {
  return decodeClientAddress(req.headers.get(CLIENT_ADDRESS_HEADER));
}

export const SESSION_COOKIE = "talon_session";

export async function currentPrincipal(): Promise<Principal | undefined> {
  const engine = getEngine();
  const h = await headers();
  const auth = h.get("authorization");
  const bearer = auth && /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  if (bearer) return engine.accounts.resolveApiKey(bearer);
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return token ? engine.accounts.resolveSession(token) : undefined;
}

/** For pages: the signed-in principal, or a redirect to the sign-in page. */
export async function requirePagePrincipal(nextPath = "/"): Promise<Principal> {
  const p = await currentPrincipal();
  if (!p) redirect(`/login?next=${encodeURIComponent(nextPath)}`);
  return p;
}

export function can(p: Principal, permission: Permission): boolean {
  return p.permissions.has(permission);
}
