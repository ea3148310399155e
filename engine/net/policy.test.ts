// The address classes and the allow-list decision, from the ranges' definitions (RFC 1918, 6598,
// 3927, 4193, 4291, 6052, 3056) rather than from any output.
import { describe, expect, it } from "vitest";
import { classifyIp, formatIp, parseIp } from "./addresses";
import { nameRefusal, parseAllowList, refusal } from "./policy";

const cls = (ip: string) => classifyIp(parseIp(ip)!);
const none = parseAllowList("").policy;

describe("classifyIp()", () => {
  it("names IPv4 special-purpose ranges at their edges", () => {
    expect(cls("127.0.0.1")).toBe("loopback");
    expect(cls("127.255.255.254")).toBe("loopback");
    expect(cls("10.0.0.0")).toBe("private");
    expect(cls("10.255.255.255")).toBe("private");
    expect(cls("172.16.0.1")).toBe("private");
    expect(cls("172.31.255.255")).toBe("private");
    expect(cls("172.32.0.1")).toBe("public");
    expect(cls("172.15.255.255")).toBe("public");
    expect(cls("192.168.1.1")).toBe("private");
    expect(cls("100.64.0.1")).toBe("shared (CGNAT)");
    expect(cls("100.127.255.255")).toBe("shared (CGNAT)");
    expect(cls("100.128.0.0")).toBe("public");
    expect(cls("169.254.1.1")).toBe("link-local");
    expect(cls("169.254.169.254")).toBe("cloud metadata");
    expect(cls("0.0.0.0")).toBe("unspecified");
    expect(cls("224.0.0.1")).toBe("multicast");
    expect(cls("239.255.255.250")).toBe("multicast");
    expect(cls("255.255.255.255")).toBe("broadcast");
    expect(cls("8.8.8.8")).toBe("public");
    expect(cls("93.184.216.34")).toBe("public");
  });

  it("names IPv6 ranges, and judges IPv4 wrapped in IPv6 as the IPv4 address", () => {
    expect(cls("::1")).toBe("loopback");
    expect(cls("::")).toBe("unspecified");
    expect(cls("fe80::1")).toBe("link-local");
    expect(cls("febf:ffff::1")).toBe("link-local");
    expect(cls("fc00::1")).toBe("unique-local");
    expect(cls("fdff:ffff::1")).toBe("unique-local");
    expect(cls("fd00:ec2::254")).toBe("cloud metadata");
    expect(cls("ff02::1")).toBe("multicast");
    expect(cls("2001:4860:4860::8888")).toBe("public");
    expect(cls("::ffff:127.0.0.1")).toBe("loopback");
    expect(cls("::ffff:7f00:1")).toBe("loopback");
    expect(cls("::ffff:10.1.2.3")).toBe("private");
    expect(cls("::ffff:169.254.169.254")).toBe("cloud metadata");
    expect(cls("::ffff:8.8.8.8")).toBe("public");
    expect(cls("64:ff9b::7f00:1")).toBe("loopback");
    expect(cls("2002:7f00:1::")).toBe("loopback");
    expect(cls("[::1]")).toBe("loopback");
    expect(cls("fe80::1%eth0")).toBe("link-local");
  });

  it("formats addresses canonically", () => {
    expect(formatIp(parseIp("::ffff:127.0.0.1")!)).toBe("::ffff:7f00:1");
    expect(formatIp(parseIp("2001:db8:0:0:1:0:0:1")!)).toBe("2001:db8::1:0:0:1");
    expect(formatIp(parseIp("fe80:0:0:0:0:0:0:1")!)).toBe("fe80::1");
    expect(parseIp("example.com")).toBeUndefined();
  });
});

describe("refusal()", () => {
  it("allows public addresses and refuses every special-purpose one without an allow-list", () => {
    expect(refusal(none, "example.com", "93.184.216.34")).toBeUndefined();
    for (const ip of ["127.0.0.1", "::1", "10.0.0.5", "192.168.0.1", "172.20.0.1", "100.64.1.1", "169.254.0.9", "fe80::1", "fd12::1", "0.0.0.0", "::", "::ffff:127.0.0.1", "224.0.0.1", "255.255.255.255", "169.254.169.254", "fd00:ec2::254"]) {
      expect(refusal(none, "h", ip), ip).toMatch(/is a .* address/);
    }
    expect(refusal(none, "h", "127.0.0.1")).toBe("127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW)");
  });

  it("allows listed IPs, CIDRs and host names", () => {
    const { policy, problems } = parseAllowList("127.0.0.1, 10.0.0.0/8,hooks.internal,*.corp.example, ::1");
    expect(problems).toEqual([]);
    expect(refusal(policy, "x", "127.0.0.1")).toBeUndefined();
    expect(refusal(policy, "x", "127.0.0.2")).toMatch(/loopback/);
    expect(refusal(policy, "x", "::ffff:127.0.0.1")).toBeUndefined();
    expect(refusal(policy, "x", "10.9.8.7")).toBeUndefined();
    expect(refusal(policy, "x", "::1")).toBeUndefined();
    expect(refusal(policy, "hooks.internal", "192.168.5.5")).toBeUndefined();
    expect(refusal(policy, "HOOKS.internal.", "192.168.5.5")).toBeUndefined();
    expect(refusal(policy, "a.b.corp.example", "172.16.0.1")).toBeUndefined();
    expect(refusal(policy, "corp.example.evil", "172.16.0.1")).toMatch(/private/);
  });

  it("keeps metadata out of ranges and other names: only an exact entry allows it", () => {
    const wide = parseAllowList("169.254.0.0/16,0.0.0.0/0,fd00::/8,hooks.internal").policy;
    expect(refusal(wide, "x", "169.254.169.254")).toMatch(/cloud metadata/);
    expect(refusal(wide, "hooks.internal", "169.254.169.254")).toMatch(/cloud metadata/);
    expect(refusal(wide, "x", "fd00:ec2::254")).toMatch(/cloud metadata/);
    expect(refusal(wide, "x", "169.254.1.1")).toBeUndefined();
    expect(refusal(parseAllowList("169.254.169.254").policy, "x", "169.254.169.254")).toBeUndefined();
    expect(refusal(parseAllowList("metadata.google.internal").policy, "metadata.google.internal", "169.254.169.254")).toBeUndefined();
  });

  it("refuses metadata host names before any lookup unless named", () => {
    expect(nameRefusal(none, "metadata.google.internal")).toMatch(/cloud metadata host name/);
    expect(nameRefusal(none, "METADATA.google.internal.")).toMatch(/cloud metadata/);
    expect(nameRefusal(none, "metadata")).toMatch(/cloud metadata/);
    expect(nameRefusal(none, "example.com")).toBeUndefined();
    expect(nameRefusal(parseAllowList("metadata.google.internal").policy, "metadata.google.internal")).toBeUndefined();
  });

  it("reports entries that are not names, IPs or CIDRs", () => {
    expect(parseAllowList("10.0.0.0/33,bad name,ok.example,1.2.3.4/x").problems).toEqual([
      "`10.0.0.0/33` has an invalid prefix length",
      "`bad name` is not a host name, an IP address or a CIDR range",
      "`1.2.3.4/x` has an invalid prefix length",
    ]);
  });
});
