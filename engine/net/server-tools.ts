// Tool downloads from the agent's own server: the one exception to the outbound policy an agent
// makes by itself. The agent records the origins of the servers it connects to in
// TALON_AGENT_SERVER_ORIGINS (process-wide, shared with its query workers); a GET of
// `/api/tools/download/<token>` on one of those origins passes the policy for that host, with no
// redirects, so the local agent on http://localhost fetches tools without TALON_HTTP_CLIENT_ALLOW.
// Any other path or origin is judged by the policy as before.
import type { NetworkPolicy } from "./policy";

type Env = Record<string, string | undefined>;

export const SERVER_ORIGINS_ENV = "TALON_AGENT_SERVER_ORIGINS";
export const TOOL_DOWNLOAD_PREFIX = "/api/tools/download/";

/** The http(s) origin of a server URL the agent dials (ws → http, wss → https); undefined when it is not a URL. */
export function httpOriginOf(server: string): string | undefined {
  try {
    const u = new URL(server);
    const protocol = u.protocol === "ws:" ? "http:" : u.protocol === "wss:" ? "https:" : u.protocol;
    if (protocol !== "http:" && protocol !== "https:") return undefined;
    return `${protocol}//${u.host}`;
  } catch {
    return undefined;
  }
}

/** Adds the origins of `servers` to TALON_AGENT_SERVER_ORIGINS (called when an agent starts). */
export function recordServerOrigins(servers: readonly string[], env: Env = process.env): void {
  const have = new Set((env[SERVER_ORIGINS_ENV] ?? "").split(",").filter(Boolean));
  for (const s of servers) {
    const o = httpOriginOf(s);
    if (o) have.add(o);
  }
  env[SERVER_ORIGINS_ENV] = [...have].join(",");
}

/** Whether `url` is a tool download on one of the recorded server origins. */
export function isServerToolDownload(url: string, method: string, env: Env = process.env): boolean {
  if (method !== "GET") return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (!/^\/api\/tools\/download\/[0-9a-f]{64}$/.test(u.pathname) || u.search || u.username || u.password) return false;
  const origins = (env[SERVER_ORIGINS_ENV] ?? "").split(",").filter(Boolean);
  return origins.includes(`${u.protocol}//${u.host}`);
}

/** The policy with `host` listed (for the one request to the agent's server). */
export function allowingHost(policy: NetworkPolicy, host: string): NetworkPolicy {
  return { hosts: [...policy.hosts, host.toLowerCase().replace(/^\[|\]$/g, "")], ranges: policy.ranges };
}
