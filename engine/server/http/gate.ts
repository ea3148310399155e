// The front door for every HTTP request and WebSocket upgrade: who is asking (session cookie or
// API key), whether the path needs a principal, and whether a state-changing browser request
// really comes from our own pages (CSRF: Origin / Sec-Fetch-Site must be same-origin).
import type { IncomingMessage } from "node:http";
import type { AccountsService, Principal } from "@/engine/server/contracts";

export const SESSION_COOKIE = "talon_session";

const PUBLIC_PATHS: RegExp[] = [
  /^\/login\/?$/,
  /^\/_next\//,
  /^\/favicon\.ico$/,
  /^\/api\/health\/?$/,
  /^\/api\/auth\/login\/?$/,
  // Tool downloads for agents (no session): the token in the path is the credential.
  /^\/api\/tools\/download\/[0-9a-f]{64}$/,
];

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.some((re) => re.test(pathname));
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function bearerToken(req: Pick<IncomingMessage, "headers">): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== "string") return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

/** The principal of a request, from its API key (Authorization: Bearer) or session cookie. */
export async function authenticate(
  req: Pick<IncomingMessage, "headers">,
  accounts: Pick<AccountsService, "resolveSession" | "resolveApiKey">,
): Promise<Principal | undefined> {
  const bearer = bearerToken(req);
  if (bearer) return accounts.resolveApiKey(bearer);
  const token = readCookie(req.headers.cookie, SESSION_COOKIE);
  return token ? accounts.resolveSession(token) : undefined;
}

/** The origins a browser request may come from: the Host it was sent to, plus any configured. */
function allowedOrigins(req: Pick<IncomingMessage, "headers">, extra: readonly string[]): Set<string> {
  const host = req.headers.host;
  const set = new Set(extra);
  if (host) {
    set.add(`http://${host}`);
    set.add(`https://${host}`);
  }
  return set;
}

/**
 * Why a request must be refused as cross-site, or undefined when it may proceed. Safe methods
 * pass; API-key requests pass (a browser never attaches them on its own); everything else needs
 * an Origin (or Sec-Fetch-Site: same-origin) naming this server.
 */
export function csrfProblem(
  req: Pick<IncomingMessage, "headers" | "method">,
  extraOrigins: readonly string[] = [],
): string | undefined {
  if (SAFE_METHODS.has((req.method ?? "GET").toUpperCase())) return undefined;
  if (bearerToken(req)) return undefined;
  return originProblem(req, extraOrigins);
}

/** Browser WebSockets carry an Origin; it must be ours (cross-site WebSocket hijacking). */
export function originProblem(req: Pick<IncomingMessage, "headers">, extraOrigins: readonly string[] = []): string | undefined {
  const origin = req.headers.origin;
  if (typeof origin === "string" && origin !== "null") {
    return allowedOrigins(req, extraOrigins).has(origin) ? undefined : `cross-site request from ${origin} refused`;
  }
  if (req.headers["sec-fetch-site"] === "same-origin") return undefined;
  return "request refused: it carries no Origin header, so it cannot be shown to come from this site";
}
