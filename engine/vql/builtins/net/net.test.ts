// ip(), cidr_contains() and url(): expected values from Velociraptor's reference docs (vql.yaml)
// and Go's net / net/url behaviour, which Velociraptor's builtins return.
import { describe, expect, it } from "vitest";
import { collect, valueOf } from "../../eval/testing";
import { fromWire, toWire } from "../../values/transfer";
import { toJsonText } from "../../values/json";
import { IpAddress } from "./ip-address";
import { GoUrl } from "./go-url";

const v = (expr: string) => valueOf(expr);

describe("ip()", () => {
  it("docs: parses IPv4-mapped IPv6 addresses to the IPv4 text (0:0:0:0:0:FFFF:129.144.52.38 is 129.144.52.38)", async () => {
    expect(await v("ip(parse='0:0:0:0:0:FFFF:129.144.52.38')")).toBe('"129.144.52.38"');
    expect(await v("ip(parse='0:0:0:0:0:FFFF:129.144.52.38').String")).toBe('"129.144.52.38"');
  });
  it("docs: ip(parse='192.168.1.2').IsPrivate is true; Go's other predicates are members", async () => {
    expect(await v("ip(parse='192.168.1.2').IsPrivate")).toBe("true");
    expect(await v("(ip(parse='8.8.8.8').IsPrivate, ip(parse='8.8.8.8').IsGlobalUnicast, ip(parse='127.0.0.1').IsLoopback, ip(parse='::1').IsLoopback)")).toBe("[false,true,true,true]");
    expect(await v("(ip(parse='169.254.1.1').IsLinkLocalUnicast, ip(parse='fe80::1').IsLinkLocalUnicast, ip(parse='224.0.0.1').IsLinkLocalMulticast, ip(parse='ff01::1').IsInterfaceLocalMulticast)")).toBe("[true,true,true,true]");
    expect(await v("(ip(parse='fd00::1').IsPrivate, ip(parse='239.1.1.1').IsMulticast, ip(parse='255.255.255.255').IsGlobalUnicast)")).toBe("[true,true,false]");
  });
  it("docs: netaddr4_le / netaddr4_be turn a 32-bit integer into an address", async () => {
    // 127.0.0.1 is 0x7F000001 big endian; read as little endian the same bytes are 0x0100007F.
    expect(await v("ip(netaddr4_be=2130706433)")).toBe('"127.0.0.1"');
    expect(await v("ip(netaddr4_le=16777343)")).toBe('"127.0.0.1"');
  });
  it("prints IPv6 in the RFC 5952 short form (Go's String) and is NULL for text that is not an address", async () => {
    expect(await v("ip(parse='2001:0db8:0000:0000:0000:0000:0000:0001')")).toBe('"2001:db8::1"');
    // net.ParseIP rejects short, octal-looking and zoned forms.
    expect(await v("(ip(parse='nonsense'), ip(parse='127.1'), ip(parse='010.1.1.1'), ip(parse='fe80::1%eth0'))")).toBe("[null,null,null,null]");
  });
});

describe("cidr_contains()", () => {
  it("docs example: 192.168.0.132 is within 192.168.0.0/24", async () => {
    expect(await v("cidr_contains(ip='192.168.0.132', ranges=['192.168.0.0/24', '127.0.0.1/8'])")).toBe("true");
  });
  it("is FALSE outside the ranges, for a non-address, and across IPv4/IPv6 kinds", async () => {
    expect(await v("(cidr_contains(ip='10.0.0.1', ranges='192.168.0.0/16'), cidr_contains(ip='x', ranges='10.0.0.0/8'), cidr_contains(ip='2001:db8::5', ranges='2001:db8::/32'), cidr_contains(ip='::1', ranges='0.0.0.0/0'))")).toBe(
      "[false,false,true,false]",
    );
  });
  it("logs a malformed range and returns FALSE (Go's net.ParseCIDR error)", async () => {
    const r = await collect("SELECT cidr_contains(ip='10.0.0.1', ranges=['10.0.0.0/33']) AS X FROM scope()");
    expect(r.rows).toEqual(['{"X":false}']);
    expect(r.logs.join()).toContain("cidr_contains: invalid CIDR address: 10.0.0.0/33");
  });
});

describe("url()", () => {
  it("parses a URL into Go's url.URL fields", async () => {
    const u = "url(parse='https://user@www.example.com:8080/a%20b/c?x=1&y=2#frag')";
    expect(await v(`(${u}.Scheme, ${u}.Host, ${u}.Path, ${u}.RawQuery, ${u}.Fragment, ${u}.Hostname, ${u}.Port)`)).toBe(
      '["https","www.example.com:8080","/a b/c","x=1&y=2","frag","www.example.com","8080"]',
    );
    expect(await v(`${u}.String`)).toBe('"https://user@www.example.com:8080/a%20b/c?x=1&y=2#frag"');
    expect(await v(`${u}.Query`)).toBe('{"x":["1"],"y":["2"]}');
  });
  it("builds a URL: the path is cleaned and made absolute with forward slashes (the zip accessor's file URLs)", async () => {
    expect(await v("url(scheme='file', path='C:\\\\Windows\\\\notepad.exe', fragment='a/b.txt').String")).toBe('"file:///C:/Windows/notepad.exe#a/b.txt"');
    expect(await v("url(scheme='https', host='example.com', path='a/../b c').String")).toBe('"https://example.com/b%20c"');
  });
  it("encodes `query` as Go's url.Values: keys sorted, list values repeated, spaces as +", async () => {
    expect(await v("url(scheme='https', host='h', path='/p', query=dict(b='2 3', a=['x', 'y'])).String")).toBe('"https://h/p?a=x&a=y&b=2+3"');
  });
  it("serialises as Go's url.URL struct", async () => {
    expect(await v("url(parse='http://h/p?q')")).toBe(
      '{"Scheme":"http","Opaque":"","User":null,"Host":"h","Path":"/p","RawPath":"","OmitHost":false,"ForceQuery":false,"RawQuery":"q","Fragment":"","RawFragment":""}',
    );
  });
  it("logs a malformed URL and returns FALSE", async () => {
    const r = await collect("SELECT url(parse='http://h/%zz') AS X FROM scope()");
    expect(r.rows).toEqual(['{"X":false}']);
    expect(r.logs.join()).toContain('url: invalid URL escape "%zz"');
  });
});

describe("ip() and url() values across the query worker boundary", () => {
  it("travel in their output form (the address text; the URL's fields)", () => {
    expect(fromWire(toWire([IpAddress.parse("10.1.2.3")]))).toEqual(["10.1.2.3"]);
    expect(toJsonText(fromWire(toWire(GoUrl.parse("https://h/p"))))).toContain('"Host":"h","Path":"/p"');
  });
});

describe("ip() and url() as text", () => {
  it("format('%v') prints them as Go prints a Stringer", async () => {
    expect(await v("format(format='%v|%v', args=[ip(parse='10.0.0.1'), url(parse='https://h/p?q=1')])")).toBe('"10.0.0.1|https://h/p?q=1"');
  });
});
