// The agent's list of server URLs and its failover policy: parsing the comma-separated form that
// `talon client`/`talon pool` take, deriving the agent endpoint URL, rotating a list's start, and
// the delay before the next attempt. Pure functions, no I/O; the dialling is agent-connection.ts.
import { backoffDelay, type BackoffOptions } from "./backoff";

/** Where an agent connects: one server, or several of one deployment tried in order. */
export type ServerTarget = { servers: readonly string[]; server?: undefined } | { server: string; servers?: undefined };

export function serverList(t: ServerTarget): string[] {
  const list = t.servers ? [...t.servers] : [t.server];
  if (list.length === 0) throw new Error("an agent needs at least one server URL");
  return list;
}

export type ParsedServers = { ok: true; servers: string[] } | { ok: false; message: string };

const SCHEMES = new Set(["http:", "https:", "ws:", "wss:"]);

/**
 * `URL1,URL2,…` → the list, every entry checked up front so that a typo in the third URL is
 * reported at start-up rather than on the day the first two servers are down. The message is one
 * sentence naming the bad entry.
 */
export function parseServerList(text: string): ParsedServers {
  const entries = text.split(",").map((s) => s.trim());
  const where = (i: number) => (entries.length > 1 ? ` (entry ${i + 1} of ${entries.length})` : "");
  for (const [i, entry] of entries.entries()) {
    if (!entry) return { ok: false, message: `the server list "${text}" has an empty entry${where(i)}` };
    let u: URL;
    try {
      u = new URL(entry);
    } catch {
      return { ok: false, message: `"${entry}" is not a URL like http://host:3000${where(i)}` };
    }
    if (!SCHEMES.has(u.protocol)) return { ok: false, message: `"${entry}" must start with http://, https://, ws:// or wss://${where(i)}` };
    if (!u.hostname) return { ok: false, message: `"${entry}" has no host name${where(i)}` };
  }
  return { ok: true, servers: entries };
}

/** The list starting at `start` (mod its length) and wrapping around: [a,b,c] from 1 → [b,c,a]. */
export function rotate<T>(list: readonly T[], start: number): T[] {
  if (list.length === 0) return [];
  const k = ((start % list.length) + list.length) % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** The agent endpoint for a server's base URL (http[s]://host:port), or a ws[s]:// URL as is. */
export function agentUrl(server: string): string {
  const u = new URL(server);
  if (u.protocol === "http:") u.protocol = "ws:";
  else if (u.protocol === "https:") u.protocol = "wss:";
  if (!u.pathname.endsWith("/api/ws/agent")) u.pathname = u.pathname.replace(/\/$/, "") + "/api/ws/agent";
  return u.toString();
}

/**
 * How long to wait before the next attempt, after `failures` consecutive failed attempts over a
 * list of `count` servers (0 after a welcomed connection dropped). The exponent grows once per
 * full cycle of the list, not per attempt: a dead first server must not make the agent slow to
 * reach a live second one. With one server this is the single-server schedule unchanged
 * (base, 2×base, 4×base … after the 1st, 2nd, 3rd failure).
 */
export function retryDelay(failures: number, count: number, o: BackoffOptions): number {
  const cycles = failures === 0 ? 0 : Math.floor((failures - 1) / Math.max(1, count));
  return backoffDelay(cycles, o);
}
