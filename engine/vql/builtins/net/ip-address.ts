/**
 * IpAddress: the value ip() returns, shaped like Go's net.IP as Velociraptor exposes it: it
 * prints and serialises as its text form (`String`), and has Go's Is* predicates as members.
 * Parsing follows net.ParseIP (four-part decimal IPv4, IPv6 without a zone), through ipaddr.js.
 */
import ipaddr from "ipaddr.js";
import { VQL_TEXT } from "../../values/host-ops";

export class IpAddress {
  /** 16 bytes; IPv4 addresses are IPv4-mapped (::ffff:a.b.c.d), as in Go. */
  readonly bytes: Uint8Array;

  constructor(bytes: ArrayLike<number>) {
    if (bytes.length === 4) this.bytes = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...Array.from(bytes)]);
    else this.bytes = Uint8Array.from(bytes);
  }

  /** Go's net.ParseIP: null when the text is not an address. */
  static parse(text: string): IpAddress | null {
    const addr = parseAddr(text);
    return addr ? new IpAddress(addr.toByteArray()) : null;
  }

  /** The IPv4 bytes when this is an IPv4 (or IPv4-mapped) address. */
  v4(): Uint8Array | null {
    const b = this.bytes;
    for (let i = 0; i < 10; i++) if (b[i] !== 0) return null;
    return b[10] === 0xff && b[11] === 0xff ? b.subarray(12) : null;
  }

  toIpaddr(): ipaddr.IPv4 | ipaddr.IPv6 {
    const v4 = this.v4();
    return v4 ? new ipaddr.IPv4(Array.from(v4)) : ipaddr.fromByteArray(Array.from(this.bytes));
  }

  String(): string {
    const v4 = this.v4();
    if (v4) return v4.join(".");
    return (ipaddr.fromByteArray(Array.from(this.bytes)) as ipaddr.IPv6).toRFC5952String();
  }

  toString(): string {
    return this.String();
  }

  toJSON(): string {
    return this.String();
  }

  /** `%v` and `=~` see the text, as Go prints a Stringer. */
  [VQL_TEXT](): string {
    return this.String();
  }

  IsUnspecified(): boolean {
    const v4 = this.v4();
    return v4 ? v4.every((x) => x === 0) : this.bytes.every((x) => x === 0);
  }

  IsLoopback(): boolean {
    const v4 = this.v4();
    if (v4) return v4[0] === 127;
    return this.bytes.subarray(0, 15).every((x) => x === 0) && this.bytes[15] === 1;
  }

  IsPrivate(): boolean {
    const v4 = this.v4();
    if (v4) return v4[0] === 10 || (v4[0] === 172 && (v4[1]! & 0xf0) === 16) || (v4[0] === 192 && v4[1] === 168);
    return (this.bytes[0]! & 0xfe) === 0xfc;
  }

  IsMulticast(): boolean {
    const v4 = this.v4();
    if (v4) return (v4[0]! & 0xf0) === 0xe0;
    return this.bytes[0] === 0xff;
  }

  IsLinkLocalUnicast(): boolean {
    const v4 = this.v4();
    if (v4) return v4[0] === 169 && v4[1] === 254;
    return this.bytes[0] === 0xfe && (this.bytes[1]! & 0xc0) === 0x80;
  }

  IsLinkLocalMulticast(): boolean {
    const v4 = this.v4();
    if (v4) return v4[0] === 224 && v4[1] === 0 && v4[2] === 0;
    return this.bytes[0] === 0xff && (this.bytes[1]! & 0x0f) === 0x02;
  }

  IsInterfaceLocalMulticast(): boolean {
    return !this.v4() && this.bytes[0] === 0xff && (this.bytes[1]! & 0x0f) === 0x01;
  }

  IsGlobalUnicast(): boolean {
    const v4 = this.v4();
    if (v4 && v4.every((x) => x === 255)) return false;
    return !this.IsUnspecified() && !this.IsLoopback() && !this.IsMulticast() && !this.IsLinkLocalUnicast();
  }
}

/** net.ParseIP's grammar on top of ipaddr.js (which also takes octal, short and zoned forms). */
export function parseAddr(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    if (text.split(".").some((p) => (p.length > 1 && p[0] === "0") || Number(p) > 255)) return null;
    return ipaddr.IPv4.parse(text);
  }
  if (!text.includes(":") || text.includes("%") || !ipaddr.IPv6.isValid(text)) return null;
  const tail = text.slice(text.lastIndexOf(":") + 1);
  if (tail.includes(".") && parseAddr(tail) === null) return null;
  return ipaddr.IPv6.parse(text);
}
