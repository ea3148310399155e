// Who is really on the other end of a request: the socket's peer address, and the address a
// trusted reverse proxy says it forwarded for (X-Forwarded-For), only when the peer is one of the
// proxies configured in TALON_TRUSTED_PROXIES. Anyone else's X-Forwarded-For is ignored: it is
// text the client chose. Pure: no sockets, no DNS. Throttling and the audit log use this.
import { formatIp, inPrefix, parseIp } from "@/engine/net/addresses";

export const TRUSTED_PROXIES_ENV = "TALON_TRUSTED_PROXIES";

/** The front door's verdict, carried to route handlers in CLIENT_ADDRESS_HEADER (JSON). */
export const CLIENT_ADDRESS_HEADER = "x-talon-client-address";

export interface TrustedProxies {
  readonly ranges: ReadonlyArray<{ net: Uint8Array; bits: number }>;
}

export interface ClientAddress {
  /** The address to throttle and audit: the peer, or the forwarded client behind a trusted proxy. */
  address: string;
  /** The socket's peer (the proxy, when one forwarded the request). */
  peer: string;
  /** The X-Forwarded-For chain as the trusted proxy sent it; absent when the peer is not trusted. */
  forwardedFor?: string;
}

export const NO_TRUSTED_PROXIES: TrustedProxies = { ranges: [] };

/** Parses `127.0.0.1,10.0.0.0/8,::1`; entries that are not an IP or a CIDR are returned as problems. */
export function parseTrustedProxies(text: string | undefined): { proxies: TrustedProxies; problems: string[] } {
  const ranges: Array<{ net: Uint8Array; bits: number }> = [];
  const problems: string[] = [];
  for (const raw of (text ?? "").split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const [addr, bitsText, extra] = entry.split("/");
    const ip = parseIp(addr!);
    const max = ip ? ip.length * 8 : 0;
    const bits = bitsText === undefined ? max : /^\d+$/.test(bitsText) ? Number(bitsText) : NaN;
    if (ip && extra === undefined && Number.isInteger(bits) && bits >= 0 && bits <= max) ranges.push({ net: unmap(ip), bits: ip.length === 16 && isMapped(ip) ? Math.max(0, bits - 96) : bits });
    else problems.push(`\`${entry}\` is not an IP address or a CIDR range`);
  }
  return { proxies: { ranges }, problems };
}

function isMapped(b: Uint8Array): boolean {
  return b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
}

/** IPv4 carried as ::ffff:a.b.c.d (how a dual-stack socket reports IPv4 peers) becomes a.b.c.d. */
function unmap(b: Uint8Array): Uint8Array {
  return isMapped(b) ? b.slice(12) : b;
}

/** Canonical text of an address, or undefined when `text` is not one. */
export function canonicalIp(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const b = parseIp(text.trim());
  return b ? formatIp(unmap(b)) : undefined;
}

function isTrusted(proxies: TrustedProxies, address: string): boolean {
  const b = parseIp(address);
  if (!b) return false;
  const u = unmap(b);
  return proxies.ranges.some((r) => inPrefix(u, r.net, r.bits));
}

/** One X-Forwarded-For entry as an address: `1.2.3.4`, `1.2.3.4:5678`, `[::1]:5678` or `::1`. */
function forwardedEntry(raw: string): string | undefined {
  const t = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(t);
  if (bracketed) return canonicalIp(bracketed[1]);
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(t);
  return canonicalIp(v4port ? v4port[1] : t);
}

/**
 * The client behind a request. The peer is trusted only when listed; then X-Forwarded-For is read
 * from the right (the entry the trusted proxy appended) leftwards, past every further trusted
 * proxy, and the first address that is not a trusted proxy is the client. An entry that is not an
 * address stops the walk: the last good hop is used, never the garbage.
 */
export function clientAddress(peerText: string | undefined, forwardedFor: string | string[] | undefined, proxies: TrustedProxies): ClientAddress {
  const peer = canonicalIp(peerText) ?? "unknown";
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
  if (!header || !isTrusted(proxies, peer)) return { address: peer, peer };
  const hops = header.split(",");
  let address = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = forwardedEntry(hops[i]!);
    if (!hop) break;
    address = hop;
    if (!isTrusted(proxies, hop)) break;
  }
  // Printable ASCII only: the chain is stored and shown, and travels on in a header.
  return { address, peer, forwardedFor: header.slice(0, 500).replace(/[^\x20-\x7e]/g, "?") };
}

/**
 * The key one address is throttled under: an IPv4 address itself; for IPv6 its /64, since one
 * subscriber usually holds a whole /64 and could otherwise rotate through it.
 */
export function throttleAddress(address: string): string {
  const b = parseIp(address);
  if (!b || b.length === 4) return address;
  const net = new Uint8Array(16);
  net.set(b.slice(0, 8));
  return `${formatIp(net)}/64`;
}

/**
 * The front door's step for every request and upgrade: replaces whatever the client sent in
 * CLIENT_ADDRESS_HEADER with its own verdict, for route handlers and WebSocket routes, which
 * cannot see the socket.
 */
export function stampClientAddress(
  req: { socket: { remoteAddress?: string }; headers: Record<string, string | string[] | undefined> },
  proxies: TrustedProxies,
): ClientAddress {
  const who = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], proxies);
  req.headers[CLIENT_ADDRESS_HEADER] = encodeClientAddress(who);
  return who;
}

/** The value of CLIENT_ADDRESS_HEADER. */
export function encodeClientAddress(c: ClientAddress): string {
  return JSON.stringify(c);
}

/** Reads CLIENT_ADDRESS_HEADER back; an absent or malformed value gives an "unknown" peer. */
export function decodeClientAddress(value: string | null | undefined): ClientAddress {
  try {
    const o = JSON.parse(value ?? "") as Partial<ClientAddress>;
    if (typeof o.address === "string" && typeof o.peer === "string") {
      return { address: o.address, peer: o.peer, ...(typeof o.forwardedFor === "string" ? { forwardedFor: o.forwardedFor } : {}) };
    }
  } catch {
    // fall through
  }
  return { address: "unknown", peer: "unknown" };
}
