import { describe, expect, it } from "vitest";
import { clientAddress, decodeClientAddress, encodeClientAddress, NO_TRUSTED_PROXIES, parseTrustedProxies, throttleAddress } from "./client-address";

describe("clientAddress()", () => {
  it("ignores X-Forwarded-For from a peer that is not a trusted proxy (seen: rotating it bypassed throttling)", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) seen.add(clientAddress("127.0.0.1", `198.51.100.${i}`, NO_TRUSTED_PROXIES).address);
    expect([...seen]).toEqual(["127.0.0.1"]);
    expect(clientAddress("::ffff:127.0.0.1", "203.0.113.5", NO_TRUSTED_PROXIES)).toEqual({ address: "127.0.0.1", peer: "127.0.0.1" });
  });

  it("believes a trusted proxy: the rightmost address that is not itself a trusted proxy is the client", () => {
    const { proxies } = parseTrustedProxies("10.0.0.0/8, ::1");
    expect(clientAddress("10.0.0.2", "203.0.113.9", proxies)).toEqual({ address: "203.0.113.9", peer: "10.0.0.2", forwardedFor: "203.0.113.9" });
    // The client put a fake entry first; the proxy appended the real one.
    expect(clientAddress("10.0.0.2", "1.1.1.1, 203.0.113.9", proxies).address).toBe("203.0.113.9");
    // Two trusted hops.
    expect(clientAddress("::1", "203.0.113.9, 10.9.9.9", proxies).address).toBe("203.0.113.9");
    // Ports and brackets.
    expect(clientAddress("10.0.0.2", "203.0.113.9:5555", proxies).address).toBe("203.0.113.9");
    expect(clientAddress("10.0.0.2", "[2001:db8::7]:443", proxies).address).toBe("2001:db8::7");
    // Garbage stops the walk at the last good hop.
    expect(clientAddress("10.0.0.2", "evil, not-an-ip", proxies).address).toBe("10.0.0.2");
    // A trusted proxy without the header is the client itself.
    expect(clientAddress("10.0.0.2", undefined, proxies)).toEqual({ address: "10.0.0.2", peer: "10.0.0.2" });
    // Control characters never travel on.
    expect(clientAddress("10.0.0.2", "203.0.113.9\u0007", proxies).forwardedFor).toBe("203.0.113.9?");
  });

  it("parseTrustedProxies() takes IPs and CIDRs and names what it cannot read", () => {
    const r = parseTrustedProxies("127.0.0.1, 10.0.0.0/8,::1,::ffff:192.168.0.0/112, proxy.local, 10.0.0.0/33");
    expect(r.proxies.ranges).toHaveLength(4);
    expect(r.problems).toEqual(["`proxy.local` is not an IP address or a CIDR range", "`10.0.0.0/33` is not an IP address or a CIDR range"]);
    expect(clientAddress("192.168.4.4", "203.0.113.1", r.proxies).address).toBe("203.0.113.1");
    expect(clientAddress("192.169.4.4", "203.0.113.1", r.proxies).address).toBe("192.169.4.4");
  });

  it("throttleAddress() keys IPv6 per /64 and IPv4 per address", () => {
    expect(throttleAddress("192.0.2.1")).toBe("192.0.2.1");
    expect(throttleAddress("2001:db8:1:2::1")).toBe(throttleAddress("2001:db8:1:2:ffff:1:2:3"));
    expect(throttleAddress("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(throttleAddress("2001:db8:1:3::1")).not.toBe(throttleAddress("2001:db8:1:2::1"));
  });

  it("the header the front door stamps round-trips; anything else reads as unknown", () => {
    const c = { address: "203.0.113.9", peer: "10.0.0.2", forwardedFor: "203.0.113.9" };
    expect(decodeClientAddress(encodeClientAddress(c))).toEqual(c);
    expect(decodeClientAddress(null)).toEqual({ address: "unknown", peer: "unknown" });
    expect(decodeClientAddress("1.2.3.4")).toEqual({ address: "unknown", peer: "unknown" });
  });
});
