/**
 * ip() and cidr_contains(), as Velociraptor's (vql/functions/networks.go,
 * vql/networking/cidrmatch.go): ip() parses or builds an address (IpAddress, Go's net.IP
 * shape); cidr_contains() tests an address against CIDR ranges.
 */
import ipaddr from "ipaddr.js";
import { arg } from "../arg";
import { defineFunction } from "../define";
import { IpAddress, parseAddr } from "./ip-address";

export const ipFunction = defineFunction({
  name: "ip",
  category: "network",
  doc: "An IP address parsed from text or built from a 32-bit integer; prints as its text form and has IsPrivate, IsLoopback... members (use `.String` to compare it with text).",
  args: {
    parse: arg.string().doc("Parse the IP as an IPv4 or IPv6 address."),
    netaddr4_le: arg.int().doc("A network order IPv4 address (as little endian)."),
    netaddr4_be: arg.int().doc("A network order IPv4 address (as big endian)."),
  },
  version: 2,
  argErrorValue: false,
  run({ parse, netaddr4_le, netaddr4_be }) {
    if (!parse) {
      if (netaddr4_le !== undefined && netaddr4_le > 0) {
        const n = netaddr4_le >>> 0;
        return new IpAddress([n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24]);
      }
      const n = (netaddr4_be ?? 0) >>> 0;
      return new IpAddress([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    }
    return IpAddress.parse(parse);
  },
});

/** Go's net.ParseCIDR: the network and its prefix length, or an error message. */
function parseCidr(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | string {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? null : parseAddr(text.slice(0, slash));
  const bits = slash < 0 ? NaN : /^\d{1,3}$/.test(text.slice(slash + 1)) ? Number(text.slice(slash + 1)) : NaN;
  if (!addr || !(bits <= (addr.kind() === "ipv4" ? 32 : 128))) return `invalid CIDR address: ${text}`;
  return [addr, bits];
}

export const cidrContainsFunction = defineFunction({
  name: "cidr_contains",
  category: "network",
  doc: "TRUE when the IP address falls within one of the CIDR ranges.",
  args: {
    ip: arg.string().required().doc("An IP address."),
    ranges: arg.list(arg.string()).required().doc("A list of CIDR notation network ranges."),
  },
  run({ ip, ranges }, ctx) {
    const parsed = IpAddress.parse(ip);
    if (!parsed) return false;
    const addr = parsed.toIpaddr();
    for (const r of ranges) {
      const cidr = parseCidr(r);
      if (typeof cidr === "string") {
        ctx.log("ERROR", `cidr_contains: ${cidr}`);
        return false;
      }
      const [net, bits] = cidr;
      // Go matches an IPv4 address against an IPv4 network, and an IPv4-mapped one too.
      if (net.kind() === addr.kind() && addr.match(net, bits)) return true;
    }
    return false;
  },
});
