// watch_ebpf()'s packet decoding, pure: an IP packet (IPv4/IPv6, then UDP/TCP) into the
// addresses and payload, a DNS message into tracee's ProtoDNS (gopacket's names for types,
// classes, op and response codes, as tracee's derive/net_packet_helpers.go reports them) and an
// HTTP request's head into tracee's ProtoHTTPRequest (Go's net/http: canonical header names,
// Host taken out of the headers, the path percent-decoded and without its query).
import { OrderedDict } from "@/engine/vql";

export interface L4Packet {
  src: string;
  dst: string;
  /** 6 TCP, 17 UDP. */
  protocol: number;
  srcPort: number;
  dstPort: number;
  /** The IP packet's length as its header gives it. */
  length: number;
  payload: Uint8Array;
}

function ipv4(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

/** An IPv6 address as Go's net.IP.String() writes it (RFC 5952: the longest run of two or more zero groups as ::). */
export function ipv6(b: Uint8Array, o: number): string {
  const g = Array.from({ length: 8 }, (_, i) => (b[o + 2 * i]! << 8) | b[o + 2 * i + 1]!);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `::ffff:${ipv4(b, o + 12)}`;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number) => ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;

/** The transport layer of an IP packet (link header already stripped); undefined for anything but UDP/TCP or a later fragment. */
export function decodeIp(b: Uint8Array): L4Packet | undefined {
  if (b.length < 20) return undefined;
  let src: string, dst: string, proto: number, off: number, length: number;
  const version = b[0]! >> 4;
  if (version === 4) {
    const ihl = (b[0]! & 0x0f) * 4;
    if (ihl < 20 || b.length < ihl) return undefined;
    if ((u16(b, 6) & 0x1fff) !== 0) return undefined; // not the first fragment
    proto = b[9]!;
    src = ipv4(b, 12);
    dst = ipv4(b, 16);
    off = ihl;
    length = u16(b, 2);
  } else if (version === 6) {
    if (b.length < 40) return undefined;
    proto = b[6]!;
    src = ipv6(b, 8);
    dst = ipv6(b, 24);
    off = 40;
    length = u16(b, 4) + 40;
    // Hop-by-hop, routing and destination options headers; a fragment header only if it is the first.
    while (proto === 0 || proto === 43 || proto === 60 || proto === 44) {
      if (b.length < off + 8) return undefined;
      if (proto === 44 && (u16(b, off + 2) & 0xfff8) !== 0) return undefined;
      const next = b[off]!;
      off += proto === 44 ? 8 : (b[off + 1]! + 1) * 8;
      proto = next;
    }
  } else return undefined;
  const end = Math.min(b.length, length || b.length);
  if (proto === 17) {
    if (end < off + 8) return undefined;
    return { src, dst, protocol: 17, srcPort: u16(b, off), dstPort: u16(b, off + 2), length, payload: b.subarray(off + 8, end) };
  }
  if (proto === 6) {
    if (end < off + 20) return undefined;
    const dataOff = (b[off + 12]! >> 4) * 4;
    if (end < off + dataOff) return undefined;
    return { src, dst, protocol: 6, srcPort: u16(b, off), dstPort: u16(b, off + 2), length, payload: b.subarray(off + dataOff, end) };
  }
  return undefined;
}

// gopacket's DNSType, DNSClass, DNSOpCode and DNSResponseCode names.
const TYPES: Record<number, string> = { 1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR", 10: "NULL", 11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV", 41: "OPT", 256: "URI" };
const CLASSES: Record<number, string> = { 1: "IN", 2: "CS", 3: "CH", 4: "HS", 254: "None", 255: "Any" };
const OPCODES: Record<number, string> = { 0: "Query", 1: "IQuery", 2: "Status", 4: "Notify", 5: "Update" };
const RCODES: Record<number, string> = {
  0: "No Error",
  1: "Format Error",
  2: "Server Failure ",
  3: "Non-Existent Domain",
  4: "Not Implemented",
  5: "Query Refused",
  6: "Name Exists when it should not",
  7: "RR Set Exists when it should not",
  8: "RR Set that should exist does not",
  9: "Server Not Authoritative for zone",
  10: "Name not contained in zone",
};
const typeName = (t: number) => TYPES[t] ?? "Unknown";
const className = (c: number) => CLASSES[c] ?? "Unknown";

class Truncated extends Error {}

/** A (possibly compressed) domain name at `o`: the name and the offset after it. */
function readName(b: Uint8Array, o: number): [string, number] {
  const labels: string[] = [];
  let end = -1;
  for (let jumps = 0; ; ) {
    if (o >= b.length) throw new Truncated();
    const len = b[o]!;
    if (len === 0) {
      o++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (o + 1 >= b.length || ++jumps > 32) throw new Truncated();
      if (end < 0) end = o + 2;
      o = ((len & 0x3f) << 8) | b[o + 1]!;
      continue;
    }
    if (o + 1 + len > b.length) throw new Truncated();
    labels.push(Buffer.from(b.subarray(o + 1, o + 1 + len)).toString("latin1"));
    o += 1 + len;
  }
  return [labels.join("."), end < 0 ? o : end];
}

function record(b: Uint8Array, o: number): [OrderedDict, number] {
  const [name, p] = readName(b, o);
  if (p + 10 > b.length) throw new Truncated();
  const type = u16(b, p);
  const cls = u16(b, p + 2);
  const ttl = u32(b, p + 4);
  const rdlen = u16(b, p + 8);
  const rd = p + 10;
  if (rd + rdlen > b.length) throw new Truncated();
  let ip = "", ns = "", cname = "", ptr = "";
  const txts: string[] = [];
  const soa = { MName: "", RName: "", serial: 0, refresh: 0, retry: 0, expire: 0, minimum: 0 };
  const srv = { priority: 0, weight: 0, port: 0, name: "" };
  const mx = { preference: 0, name: "" };
  const uri = { priority: 0, weight: 0, target: "" };
  const opt: OrderedDict[] = [];
  if (type === 1 && rdlen === 4) ip = ipv4(b, rd);
  else if (type === 28 && rdlen === 16) ip = ipv6(b, rd);
  else if (type === 2) ns = readName(b, rd)[0];
  else if (type === 5) cname = readName(b, rd)[0];
  else if (type === 12) ptr = readName(b, rd)[0];
  else if (type === 16) {
    for (let q = rd; q < rd + rdlen; ) {
      const l = b[q]!;
      txts.push(Buffer.from(b.subarray(q + 1, Math.min(q + 1 + l, rd + rdlen))).toString("latin1"));
      q += 1 + l;
    }
  } else if (type === 6) {
    const [m, q1] = readName(b, rd);
    const [r, q2] = readName(b, q1);
    if (q2 + 20 > b.length) throw new Truncated();
    Object.assign(soa, { MName: m, RName: r, serial: u32(b, q2), refresh: u32(b, q2 + 4), retry: u32(b, q2 + 8), expire: u32(b, q2 + 12), minimum: u32(b, q2 + 16) });
  } else if (type === 33 && rdlen >= 6) Object.assign(srv, { priority: u16(b, rd), weight: u16(b, rd + 2), port: u16(b, rd + 4), name: readName(b, rd + 6)[0] });
  else if (type === 15 && rdlen >= 2) Object.assign(mx, { preference: u16(b, rd), name: readName(b, rd + 2)[0] });
  else if (type === 256 && rdlen >= 4) Object.assign(uri, { priority: u16(b, rd), weight: u16(b, rd + 2), target: Buffer.from(b.subarray(rd + 4, rd + rdlen)).toString("latin1") });
  else if (type === 41) {
    for (let q = rd; q + 4 <= rd + rdlen; ) {
      const code = u16(b, q);
      const l = u16(b, q + 2);
      opt.push(new OrderedDict([["code", OPT_CODES[code] ?? "Unknown"], ["data", Buffer.from(b.subarray(q + 4, Math.min(q + 4 + l, rd + rdlen))).toString("latin1")]]));
      q += 4 + l;
    }
  }
  const d = (o2: Record<string, unknown>) => new OrderedDict(Object.entries(o2));
  const row = new OrderedDict([
    ["name", name],
    ["type", typeName(type)],
    ["class", className(cls)],
    ["TTL", ttl],
    ["IP", ip],
    ["NS", ns],
    ["CNAME", cname],
    ["PTR", ptr],
    ["TXTs", txts],
    ["SOA", d(soa)],
    ["SRV", d(srv)],
    ["MX", d(mx)],
    ["OPT", opt],
    ["URI", d(uri)],
    ["TXT", txts[0] ?? ""],
  ]);
  return [row, rd + rdlen];
}

// gopacket's DNSOptionCode names.
const OPT_CODES: Record<number, string> = { 1: "LLQ", 2: "UL", 3: "NSID", 5: "DAU", 6: "DHU", 7: "N3U", 8: "EDNSClientSubnet", 9: "EDNSExpire", 10: "Cookie", 11: "TCPKeepAlive", 12: "Padding" };

/** A DNS message as tracee's ProtoDNS; undefined when it is not one (too short, truncated). */
export function decodeDns(b: Uint8Array): OrderedDict | undefined {
  if (b.length < 12) return undefined;
  try {
    const flags = u16(b, 2);
    const counts = [u16(b, 4), u16(b, 6), u16(b, 8), u16(b, 10)] as const;
    let o = 12;
    const questions: OrderedDict[] = [];
    for (let i = 0; i < counts[0]; i++) {
      const [name, p] = readName(b, o);
      if (p + 4 > b.length) throw new Truncated();
      questions.push(new OrderedDict([["name", name], ["type", typeName(u16(b, p))], ["class", className(u16(b, p + 2))]]));
      o = p + 4;
    }
    const sections: OrderedDict[][] = [[], [], []];
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < counts[s + 1]!; i++) {
        const [r, p] = record(b, o);
        sections[s]!.push(r);
        o = p;
      }
    }
    return new OrderedDict([
      ["ID", u16(b, 0)],
      ["QR", flags >> 15],
      ["opCode", (OPCODES[(flags >> 11) & 0xf] ?? "Unknown").toLowerCase()],
      ["AA", (flags >> 10) & 1],
      ["TC", (flags >> 9) & 1],
      ["RD", (flags >> 8) & 1],
      ["RA", (flags >> 7) & 1],
      ["Z", (flags >> 4) & 7],
      ["responseCode", (RCODES[flags & 0xf] ?? "Unknown").toLowerCase()],
      ["QDCount", counts[0]],
      ["ANCount", counts[1]],
      ["NSCount", counts[2]],
      ["ARCount", counts[3]],
      ["questions", questions],
      ["answers", sections[0]],
      ["authorities", sections[1]],
      ["additionals", sections[2]],
    ]);
  } catch (e) {
    if (e instanceof Truncated) return undefined;
    throw e;
  }
}

// The request methods tracee's eBPF program recognises at the start of a TCP payload.
const HTTP_REQUEST = /^(GET|POST|PUT|DELETE|HEAD) /;

/** Go's textproto.CanonicalMIMEHeaderKey: the first letter and each after a hyphen upper case, the rest lower. */
export function canonicalHeader(k: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(k)) return k;
  return k.toLowerCase().replace(/(^|-)([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
}

/** An HTTP request's head (request line and headers, complete in this payload) as tracee's ProtoHTTPRequest. */
export function decodeHttpRequest(b: Uint8Array): OrderedDict | undefined {
  const head = Buffer.from(b.subarray(0, Math.min(b.length, 16384))).toString("latin1");
  if (!HTTP_REQUEST.test(head)) return undefined;
  const end = head.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [line = "", ...lines] = head.slice(0, end).split("\r\n");
  const m = /^(\S+) (\S+) (HTTP\/\d+\.\d+)$/.exec(line);
  if (!m) return undefined;
  const [, method, target, proto] = m as unknown as [string, string, string, string];
  const headers = new Map<string, string[]>();
  for (const l of lines) {
    const i = l.indexOf(":");
    if (i <= 0) return undefined;
    const k = canonicalHeader(l.slice(0, i).trim());
    headers.set(k, [...(headers.get(k) ?? []), l.slice(i + 1).trim()]);
  }
  let host = headers.get("Host")?.[0] ?? "";
  headers.delete("Host");
  let path = target;
  const abs = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)/i.exec(target);
  if (abs) {
    host = abs[1]!;
    path = abs[2]!;
  } else path = target.replace(/[?#].*$/, "");
  try {
    path = decodeURIComponent(path);
  } catch {
    return undefined; // Go refuses a request whose path is badly escaped
  }
  const te = headers.get("Transfer-Encoding")?.[0]?.toLowerCase();
  const cl = headers.get("Content-Length")?.[0];
  const contentLength = te === "chunked" ? -1 : cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : 0;
  return new OrderedDict([
    ["method", method],
    ["protocol", proto],
    ["host", host],
    ["uri_path", path],
    ["headers", new OrderedDict([...headers.keys()].sort().map((k) => [k, headers.get(k)!]))],
    ["content_length", contentLength],
  ]);
}
