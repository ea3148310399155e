// Which IP addresses an outbound request may reach: parses IPv4/IPv6 text to bytes, names the
// special-purpose range an address falls in (loopback, private, link-local, metadata, ...), and
// unwraps IPv4 carried inside IPv6 (mapped, compatible, NAT64, 6to4) so a wrapped form is judged
// as the address it wraps. Pure: no DNS, no sockets.
import { isIP } from "node:net";

export type AddressClass =
  | "public"
  | "unspecified"
  | "loopback"
  | "private"
  | "shared (CGNAT)"
  | "link-local"
  | "cloud metadata"
  | "unique-local"
  | "site-local"
  | "multicast"
  | "broadcast"
  | "reserved";

/** An address as 4 (IPv4) or 16 (IPv6) bytes; undefined when `text` is not an IP literal. */
export function parseIp(text: string): Uint8Array | undefined {
  const t = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const bare = t.split("%")[0]; // an IPv6 zone id (fe80::1%eth0) does not change the address
  const kind = isIP(bare);
  if (kind === 4) return Uint8Array.from(bare.split(".").map(Number));
  if (kind === 6) return parseIpv6(bare);
  return undefined;
}

function parseIpv6(t: string): Uint8Array {
  let text = t.toLowerCase();
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    // Dotted IPv4 in the last 32 bits (::ffff:127.0.0.1).
    tail.push(...text.slice(lastColon + 1).split(".").map(Number));
    text = text.slice(0, lastColon + 1) + "0:0";
  }
  const [head, rest] = text.includes("::") ? text.split("::") : [text, undefined];
  const groups = (s: string) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const r = rest === undefined ? [] : groups(rest);
  const words = rest === undefined ? h : [...h, ...Array(8 - h.length - r.length).fill(0), ...r];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  if (tail.length) out.set(tail, 12);
  return out;
}

/** Canonical text of an address (IPv4 dotted; IPv6 lower-case, compressed as Node prints it). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join(".");
  const words = Array.from({ length: 8 }, (_, i) => (bytes[i * 2] << 8) | bytes[i * 2 + 1]);
  // Longest run of zero words (two or more) becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIpv4(b: Uint8Array): Uint8Array | undefined {
  if (b.length !== 16) return undefined;
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12); // ::ffff:a.b.c.d
  if (zeros(0, 12) && !zeros(12, 14)) return b.slice(12); // ::a.b.c.d (deprecated compatible form)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return b.slice(12); // 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6); // 2002::/16 6to4
  return undefined;
}

/** True when `b` lies in prefix `net`/`bits` (same family). */
export function inPrefix(b: Uint8Array, net: Uint8Array, bits: number): boolean {
  if (b.length !== net.length) return false;
  for (let i = 0; i < bits; i++) {
    const mask = 0x80 >> i % 8;
    if ((b[i >> 3] & mask) !== (net[i >> 3] & mask)) return false;
  }
  return true;
}

type Range = [prefix: string, bits: number, cls: AddressClass];

// Most specific first: the metadata address before link-local, broadcast before reserved.
const V4: Range[] = [
  ["169.254.169.254", 32, "cloud metadata"],
  ["255.255.255.255", 32, "broadcast"],
  ["0.0.0.0", 8, "unspecified"],
  ["127.0.0.0", 8, "loopback"],
  ["10.0.0.0", 8, "private"],
  ["172.16.0.0", 12, "private"],
  ["192.168.0.0", 16, "private"],
  ["100.64.0.0", 10, "shared (CGNAT)"],
  ["169.254.0.0", 16, "link-local"],
  ["192.0.0.0", 24, "reserved"],
  ["198.18.0.0", 15, "reserved"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

const V6: Range[] = [
  ["fd00:ec2::254", 128, "cloud metadata"],
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "site-local"],
  ["fc00::", 7, "unique-local"],
  ["ff00::", 8, "multicast"],
];

const parsedRanges = (rs: Range[]) => rs.map(([p, bits, cls]) => ({ net: parseIp(p)!, bits, cls }));
const V4_RANGES = parsedRanges(V4);
const V6_RANGES = parsedRanges(V6);

/** The special-purpose class of an address ("public" when it is none); wrapped IPv4 is judged as IPv4. */
export function classifyIp(b: Uint8Array): AddressClass {
  const ranges = b.length === 4 ? V4_RANGES : V6_RANGES;
  for (const r of ranges) if (inPrefix(b, r.net, r.bits)) return r.cls;
  const inner = embeddedIpv4(b);
  return inner ? classifyIp(inner) : "public";
}

/** Host names of cloud metadata services, refused before any lookup. */
const METADATA_NAMES = ["metadata.google.internal", "metadata.goog", "metadata", "metadata.azure.internal", "instance-data", "instance-data.ec2.internal"];

export function isMetadataName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  // A name under a dotted metadata name is one too (x.metadata.google.internal); bare `metadata` only itself.
  return METADATA_NAMES.some((n) => h === n || (n.includes(".") && h.endsWith(`.${n}`)));
}
