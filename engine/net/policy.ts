// The outbound network policy: the allow-list (TALON_HTTP_CLIENT_ALLOW: host names, IPs, CIDRs)
// and the one decision "may a request for host H connect to address A". Public addresses are
// always allowed; special-purpose ones only when listed. Cloud metadata addresses and names need
// an entry naming them exactly (the IP or the name), never a range or another name, so
// `10.0.0.0/8,169.254.0.0/16` still keeps 169.254.169.254 out.
import { classifyIp, embeddedIpv4, formatIp, inPrefix, isMetadataName, parseIp, type AddressClass } from "./addresses";

export const ALLOW_ENV = "TALON_HTTP_CLIENT_ALLOW";

export interface NetworkPolicy {
  /** Lower-case host names; an entry starting with "." or "*." matches every name under it. */
  readonly hosts: readonly string[];
  readonly ranges: ReadonlyArray<{ net: Uint8Array; bits: number; exact: boolean }>;
}

export interface ParsedPolicy {
  policy: NetworkPolicy;
  /** Entries that are neither a name, an IP nor a CIDR (reported once at startup). */
  problems: string[];
}

const HOST_RE = /^(\*\.|\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/;

/** Parses a comma-separated allow-list (`127.0.0.1,10.0.0.0/8,hooks.internal`). */
export function parseAllowList(text: string | undefined): ParsedPolicy {
  const hosts: string[] = [];
  const ranges: Array<{ net: Uint8Array; bits: number; exact: boolean }> = [];
  const problems: string[] = [];
  for (const raw of (text ?? "").split(",")) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const [addr, bitsText, extra] = entry.split("/");
    const ip = parseIp(addr);
    if (ip && extra === undefined) {
      const max = ip.length * 8;
      const bits = bitsText === undefined ? max : /^\d+$/.test(bitsText) ? Number(bitsText) : NaN;
      if (Number.isInteger(bits) && bits >= 0 && bits <= max) ranges.push({ net: ip, bits, exact: bits === max });
      else problems.push(`\`${raw.trim()}\` has an invalid prefix length`);
    } else if (bitsText === undefined && HOST_RE.test(entry)) {
      hosts.push(entry.replace(/\.$/, "").replace(/^\*\./, "."));
    } else {
      problems.push(`\`${raw.trim()}\` is not a host name, an IP address or a CIDR range`);
    }
  }
  return { policy: { hosts, ranges }, problems };
}

/** The policy from TALON_HTTP_CLIENT_ALLOW as it is now. */
export function policyFromEnv(env: NodeJS.ProcessEnv = process.env): ParsedPolicy {
  return parseAllowList(env[ALLOW_ENV]);
}

export function hostListed(policy: NetworkPolicy, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "").replace(/^\[|\]$/g, "");
  return policy.hosts.some((e) => (e.startsWith(".") ? h.endsWith(e) : h === e));
}

/** Why a connection to `address` for `host` is refused, or undefined when it is allowed. */
export function refusal(policy: NetworkPolicy, host: string, address: string): string | undefined {
  const bytes = parseIp(address);
  if (!bytes) return `${address} is not an IP address`;
  const cls: AddressClass = classifyIp(bytes);
  const named = hostListed(policy, host);
  if (cls === "public") return undefined;
  // An allow-list entry for 127.0.0.1 also allows ::ffff:127.0.0.1 (the same destination).
  const forms = [bytes, embeddedIpv4(bytes)].filter((b): b is Uint8Array => !!b);
  const listed = (exactOnly: boolean) => policy.ranges.some((r) => (!exactOnly || r.exact) && forms.some((b) => inPrefix(b, r.net, r.bits)));
  if (cls === "cloud metadata") {
    const exactIp = listed(true);
    if (exactIp || (named && isMetadataName(host))) return undefined;
    return `${formatIp(bytes)} is a cloud metadata address (allow it only by naming it in ${ALLOW_ENV})`;
  }
  if (named || listed(false)) return undefined;
  return `${formatIp(bytes)} is a ${cls} address (allow it with ${ALLOW_ENV})`;
}

/** Why a request to host name `host` is refused before any lookup (metadata names), or undefined. */
export function nameRefusal(policy: NetworkPolicy, host: string): string | undefined {
  if (isMetadataName(host) && !hostListed(policy, host)) return `${host} is a cloud metadata host name (allow it only by naming it in ${ALLOW_ENV})`;
  return undefined;
}
