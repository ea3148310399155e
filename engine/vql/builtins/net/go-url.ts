/**
 * GoUrl: the value url() returns, shaped like Go's net/url URL as Velociraptor exposes it
 * (fields Scheme, Opaque, User, Host, Path, RawPath, RawQuery, Fragment...; `String` gives the
 * URL text). Parsing and escaping follow net/url's rules (RFC 3986); written for Talon.
 */
import { OrderedDict } from "../../values/ordered-dict";
import { VQL_TEXT } from "../../values/host-ops";

type Mode = "path" | "host" | "query" | "fragment" | "user";

const HEX = "0123456789ABCDEF";

function shouldEscape(c: number, mode: Mode): boolean {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9]/.test(ch)) return false;
  if (mode === "host" && "!$&'()*+,;=:[]<>\"".includes(ch)) return false;
  if ("-_.~".includes(ch)) return false;
  if ("$&+,/:;=?@".includes(ch)) {
    if (mode === "path") return ch === "?";
    if (mode === "user") return "@/?:".includes(ch);
    if (mode === "query") return true;
    if (mode === "fragment") return false;
  }
  if (mode === "fragment" && "!()*".includes(ch)) return false;
  return true;
}

export function goEscape(s: string, mode: Mode): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    if (b === 0x20 && mode === "query") out += "+";
    else if (shouldEscape(b, mode)) out += "%" + HEX[b >> 4] + HEX[b & 15];
    else out += String.fromCharCode(b);
  }
  return out;
}

/** Percent-decoding (and `+` as a space in query mode); throws on a bad escape. */
export function goUnescape(s: string, mode: Mode): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "%") {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) throw new Error(`invalid URL escape "${s.slice(i, i + 3)}"`);
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c === "+" && mode === "query") bytes.push(0x20);
    else for (const b of new TextEncoder().encode(c)) bytes.push(b);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

export interface UrlParts {
  Scheme?: string;
  Opaque?: string;
  User?: string | null;
  Host?: string;
  Path?: string;
  RawPath?: string;
  RawQuery?: string;
  Fragment?: string;
  RawFragment?: string;
}

export class GoUrl {
  Scheme = "";
  Opaque = "";
  /** userinfo text as written (`user:pass`), or null. */
  User: string | null = null;
  Host = "";
  Path = "";
  RawPath = "";
  OmitHost = false;
  ForceQuery = false;
  RawQuery = "";
  Fragment = "";
  RawFragment = "";

  constructor(parts: UrlParts = {}) {
    Object.assign(this, parts);
  }

  /** net/url's Parse; throws with its message on a malformed URL. */
  static parse(raw: string): GoUrl {
    const u = new GoUrl();
    let rest = raw;
    const hash = rest.indexOf("#");
    if (hash >= 0) {
      const frag = rest.slice(hash + 1);
      rest = rest.slice(0, hash);
      u.Fragment = goUnescape(frag, "fragment");
      if (goEscape(u.Fragment, "fragment") !== frag) u.RawFragment = frag;
    }
    if (/[\x00-\x1f\x7f]/.test(rest)) throw new Error(`parse "${raw}": net/url: invalid control character in URL`);
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
    if (m) {
      u.Scheme = m[1]!.toLowerCase();
      rest = rest.slice(m[0].length);
    } else if (/^[^/?]*:/.test(rest) && !rest.startsWith("/")) {
      if (rest.startsWith(":")) throw new Error(`parse "${raw}": missing protocol scheme`);
    }
    if (rest.endsWith("?") && rest.split("?").length === 2) {
      u.ForceQuery = true;
      rest = rest.slice(0, -1);
    } else {
      const q = rest.indexOf("?");
      if (q >= 0) {
        u.RawQuery = rest.slice(q + 1);
        rest = rest.slice(0, q);
      }
    }
    if (!rest.startsWith("/") && u.Scheme !== "") {
      u.Opaque = rest;
      return u;
    }
    if (!rest.startsWith("/") && u.Scheme === "") {
      const colon = rest.indexOf(":");
      const slash = rest.indexOf("/");
      if (colon >= 0 && (slash < 0 || colon < slash)) throw new Error(`parse "${raw}": first path segment in URL cannot contain colon`);
    }
    if ((u.Scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
      const after = rest.slice(2);
      const end = after.indexOf("/");
      const authority = end < 0 ? after : after.slice(0, end);
      rest = end < 0 ? "" : after.slice(end);
      const at = authority.lastIndexOf("@");
      if (at >= 0) u.User = authority.slice(0, at);
      u.Host = goUnescape(authority.slice(at + 1), "host");
    }
    u.Path = goUnescape(rest, "path");
    if (goEscape(u.Path, "path") !== rest) u.RawPath = rest;
    return u;
  }

  EscapedPath(): string {
    return this.RawPath || goEscape(this.Path, "path");
  }

  EscapedFragment(): string {
    return this.RawFragment || goEscape(this.Fragment, "fragment");
  }

  Hostname(): string {
    if (this.Host.startsWith("[")) return this.Host.slice(1, this.Host.indexOf("]"));
    const c = this.Host.lastIndexOf(":");
    return c < 0 ? this.Host : this.Host.slice(0, c);
  }

  Port(): string {
    const m = /:(\d*)$/.exec(this.Host.startsWith("[") ? this.Host.slice(this.Host.indexOf("]") + 1) : this.Host);
    return m ? m[1]! : "";
  }

  IsAbs(): boolean {
    return this.Scheme !== "";
  }

  /** The query string as a dict of value lists (Go's url.Values). */
  Query(): OrderedDict {
    const d = new OrderedDict();
    for (const part of this.RawQuery.split(/&/)) {
      if (!part) continue;
      const eq = part.indexOf("=");
      try {
        const k = goUnescape(eq < 0 ? part : part.slice(0, eq), "query");
        const v = eq < 0 ? "" : goUnescape(part.slice(eq + 1), "query");
        d.set(k, [...((d.get(k) as string[] | undefined) ?? []), v]);
      } catch {
        // Go skips pairs with bad escapes.
      }
    }
    return d;
  }

  String(): string {
    let out = "";
    if (this.Scheme) out += this.Scheme + ":";
    if (this.Opaque) out += this.Opaque;
    else {
      if (this.Scheme || this.Host || this.User !== null) {
        if (this.Host || this.Path || this.User !== null) out += "//";
        if (this.User !== null) out += this.User + "@";
        if (this.Host) out += goEscape(this.Host, "host");
      }
      const path = this.EscapedPath();
      if (path && !path.startsWith("/") && this.Host) out += "/";
      if (out === "") {
        const seg = path.split("/")[0]!;
        if (seg.includes(":")) out += "./";
      }
      out += path;
    }
    if (this.ForceQuery || this.RawQuery) out += "?" + this.RawQuery;
    if (this.Fragment) out += "#" + this.EscapedFragment();
    return out;
  }

  toString(): string {
    return this.String();
  }

  /** `%v` and `=~` see the text, as Go prints a Stringer. */
  [VQL_TEXT](): string {
    return this.String();
  }

  /** Go's JSON encoding of a url.URL: its fields. */
  toJSON(): OrderedDict {
    return new OrderedDict([
      ["Scheme", this.Scheme],
      ["Opaque", this.Opaque],
      ["User", this.User === null ? null : {}],
      ["Host", this.Host],
      ["Path", this.Path],
      ["RawPath", this.RawPath],
      ["OmitHost", this.OmitHost],
      ["ForceQuery", this.ForceQuery],
      ["RawQuery", this.RawQuery],
      ["Fragment", this.Fragment],
      ["RawFragment", this.RawFragment],
    ]);
  }
}
