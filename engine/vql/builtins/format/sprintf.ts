/**
 * Go's fmt.Sprintf over VQL values, as Velociraptor's format() renders them: verbs %v %+v %#v %T
 * %d %s %q %x %X %o %O %b %c %U %e %E %f %F %g %G %t %%, flags `+ - # 0 space`, width and
 * precision (also `*`), argument indexes `%[n]d`, and Go's inline error forms (`%!d(string=x)`,
 * `%!v(MISSING)`, `%!(EXTRA ...)`, `%!(NOVERB)`). Numbers: integral values are ints; %f/%e/%g
 * accept any number (JS has one number type).
 */
import { checkStringLength } from "../../values/limits";
import { Bytes, bytesOf, textOf } from "../../values/bytes";
import { formatExponent, formatFixed, formatFloatShortest, formatGeneral, formatNumber } from "../../values/go-number";
import { goTypeName, isIntNumber } from "../../values/kinds";
import { isDictLike } from "../../values/ordered-dict";
import { toJsonText } from "../../values/json";
import { hostOp, VQL_TEXT } from "../../values/host-ops";
import { QueryValue } from "../../values/query";
import { Timestamp } from "../../values/timestamp";
import { goQuote, goQuoteRune } from "./quote";
import { Lru } from "../../regex/lru";

interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
  verb: string;
}

function pad(s: string, spec: Spec, numeric: boolean, zero = spec.zero): string {
  const w = spec.width;
  if (w === undefined || s.length >= w) return s;
  const n = w - [...s].length;
  if (n <= 0) return s;
  checkStringLength(s.length + n, "format()");
  if (spec.minus) return s + " ".repeat(n);
  if (zero) {
    if (numeric && (s[0] === "-" || s[0] === "+" || s[0] === " ")) return s[0] + "0".repeat(n) + s.slice(1);
    return "0".repeat(n) + s;
  }
  return " ".repeat(n) + s;
}

/** %v text of one value (NULL is `Null`, dicts JSON, lists `[a b]`). */
export function goValueString(v: unknown, sharp = false): string {
  if (v === null || v === undefined) return sharp ? "<nil>" : "Null";
  switch (typeof v) {
    case "string":
      return sharp ? goQuote(v) : v;
    case "number":
      return formatNumber(v);
    case "boolean":
      return String(v);
    case "bigint":
      return v.toString();
  }
  if (v instanceof Bytes) return sharp ? goQuote(v.toString()) : v.toString();
  if (v instanceof Timestamp) return v.toString();
  if (Array.isArray(v)) {
    const inner = v.map((x) => goValueString(x, sharp));
    return sharp ? `[]interface {}{${inner.join(", ")}}` : `[${inner.join(" ")}]`;
  }
  if (isDictLike(v)) return toJsonText(v);
  if (v instanceof QueryValue) return v.describe();
  const text = hostOp<() => string>(v, VQL_TEXT);
  if (text) return text();
  return toJsonText(v);
}

function badVerb(spec: Spec, v: unknown): string {
  if (v === null || v === undefined) return `%!${spec.verb}(<nil>)`;
  return `%!${spec.verb}(${goTypeName(v)}=${goValueString(v)})`;
}

function formatInt(n: number, spec: Spec, base: number, upper: boolean): string {
  const neg = n < 0;
  let digits = (neg ? -n : n).toString(base);
  if (Math.abs(n) > Number.MAX_SAFE_INTEGER) digits = BigInt(Math.trunc(Math.abs(n))).toString(base);
  if (upper) digits = digits.toUpperCase();
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && n === 0) digits = "";
    else if (digits.length < spec.prec) {
      checkStringLength(spec.prec, "format()");
      digits = "0".repeat(spec.prec - digits.length) + digits;
    }
  }
  if (spec.sharp) {
    if (base === 16) digits = (upper ? "0X" : "0x") + digits;
    else if (base === 8 && digits[0] !== "0") digits = "0" + digits;
    else if (base === 2) digits = "0b" + digits;
  }
  if (spec.verb === "O") digits = "0o" + digits;
  const sign = neg ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  return pad(sign + digits, spec, true, spec.zero && spec.prec === undefined && !spec.minus);
}

const SHORTEST_G: Spec = { plus: false, minus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined, verb: "g" };

function formatFloat(x: number, spec: Spec): string {
  let s: string;
  const v = spec.verb;
  const prec = spec.prec;
  switch (v) {
    case "e":
    case "E":
      s = formatExponent(x, prec ?? 6, v === "E");
      break;
    case "f":
    case "F":
      s = formatFixed(x, prec ?? 6);
      break;
    default:
      s = prec === undefined ? formatFloatShortest(x) : formatGeneral(x, prec, v === "G");
      if (v === "G") s = s.toUpperCase();
  }
  if (s === "NaN" || s === "+Inf" || s === "-Inf") return pad(s, spec, false, false);
  if (x >= 0 && !Object.is(x, -0)) {
    if (spec.plus) s = "+" + s;
    else if (spec.space) s = " " + s;
  }
  return pad(s, spec, true, spec.zero && !spec.minus);
}

function hexOfBytes(b: Uint8Array, spec: Spec, upper: boolean): string {
  const n = spec.prec !== undefined ? Math.min(spec.prec, b.length) : b.length;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    let h = b[i]!.toString(16).padStart(2, "0");
    if (upper) h = h.toUpperCase();
    if (spec.sharp && (spec.space || i === 0)) h = (upper ? "0X" : "0x") + h;
    parts.push(h);
  }
  return pad(parts.join(spec.space ? " " : ""), spec, false);
}

function truncRunes(s: string, prec: number | undefined): string {
  if (prec === undefined) return s;
  return [...s].slice(0, prec).join("");
}

function formatOne(v: unknown, spec: Spec): string {
  const verb = spec.verb;
  if (Array.isArray(v) && verb !== "v" && verb !== "T") {
    return pad("[" + v.map((x) => formatOne(x, { ...spec, width: undefined })).join(" ") + "]", spec, false);
  }
  if (v instanceof Timestamp && verb !== "T") v = v.toString();
  switch (verb) {
    case "v":
      if (typeof v === "number" && !isIntNumber(v)) return formatFloat(v, spec.prec === undefined ? SHORTEST_G : { ...spec, verb: "g" });
      if (typeof v === "number" && (spec.plus || spec.zero || spec.space)) return formatInt(v, spec, 10, false);
      return pad(goValueString(v, spec.sharp), spec, false);
    case "T":
      return pad(goTypeName(v), spec, false);
    case "t":
      return typeof v === "boolean" ? pad(String(v), spec, false) : badVerb(spec, v);
    case "d":
      if (typeof v === "number" && isIntNumber(v)) return formatInt(v, spec, 10, false);
      return badVerb(spec, v);
    case "b":
    case "o":
    case "O":
      if (typeof v === "number" && isIntNumber(v)) return formatInt(v, spec, verb === "b" ? 2 : 8, false);
      return badVerb(spec, v);
    case "x":
    case "X": {
      const upper = verb === "X";
      if (typeof v === "number" && isIntNumber(v)) return formatInt(v, spec, 16, upper);
      if (typeof v === "string" || v instanceof Bytes) return hexOfBytes(bytesOf(v), spec, upper);
      if (typeof v === "number") return badVerb(spec, v);
      if (isDictLike(v)) return hexOfBytes(bytesOf(toJsonText(v)), spec, upper);
      return badVerb(spec, v);
    }
    case "c":
      if (typeof v === "number" && isIntNumber(v)) return pad(String.fromCodePoint(v >= 0 && v <= 0x10ffff ? v : 0xfffd), spec, false);
      return badVerb(spec, v);
    case "U":
      if (typeof v === "number" && isIntNumber(v)) {
        let s = "U+" + v.toString(16).toUpperCase().padStart(4, "0");
        if (spec.sharp) s += ` '${String.fromCodePoint(v)}'`;
        return pad(s, spec, false);
      }
      return badVerb(spec, v);
    case "q":
      if (typeof v === "string" || v instanceof Bytes) return pad(goQuote(truncRunes(textOf(v), spec.prec), spec.plus), spec, false);
      if (typeof v === "number" && isIntNumber(v)) return pad(goQuoteRune(v), spec, false);
      return badVerb(spec, v);
    case "s":
      if (typeof v === "string" || v instanceof Bytes) return pad(truncRunes(textOf(v), spec.prec), spec, false);
      if (v === null || v === undefined || isDictLike(v) || v instanceof QueryValue) return pad(truncRunes(goValueString(v), spec.prec), spec, false);
      return badVerb(spec, v);
    case "e":
    case "E":
    case "f":
    case "F":
    case "g":
    case "G":
      if (typeof v === "number") return formatFloat(v, spec);
      return badVerb(spec, v);
    default:
      return badVerb(spec, v);
  }
}

type Piece = string | Spec;
const templates = new Lru<string, Piece[] | null>(256);

/** Splits a template without `%[n]` indexes or `*` widths into literals and verbs (else null). */
function compileTemplate(format: string): Piece[] | null {
  const out: Piece[] = [];
  const re = /%([-+# 0]*)(\d+)?(?:\.(\d*))?([^-+# 0-9.[*])/gy;
  let i = 0;
  let lit = "";
  while (i < format.length) {
    const pct = format.indexOf("%", i);
    if (pct < 0) {
      lit += format.slice(i);
      break;
    }
    lit += format.slice(i, pct);
    re.lastIndex = pct;
    const m = re.exec(format);
    if (!m || m[4]!.charCodeAt(0) > 0x7f) return null;
    if (m[4] === "%") {
      lit += "%";
      i = re.lastIndex;
      continue;
    }
    if (lit) out.push(lit), (lit = "");
    const f = m[1]!;
    const minus = f.includes("-");
    out.push({
      plus: f.includes("+"),
      minus,
      sharp: f.includes("#"),
      space: f.includes(" "),
      zero: f.includes("0") && !minus,
      width: m[2] === undefined ? undefined : Number(m[2]),
      prec: m[3] === undefined ? undefined : m[3] === "" ? 0 : Number(m[3]),
      verb: m[4]!,
    });
    i = re.lastIndex;
  }
  if (lit) out.push(lit);
  return out;
}

function extra(args: readonly unknown[], from: number): string {
  return "%!(EXTRA " + args.slice(from).map((a) => (a === null || a === undefined ? "<nil>" : `${goTypeName(a)}=${goValueString(a)}`)).join(", ") + ")";
}

/** fmt.Sprintf(format, args...). Templates are compiled once (LRU cache). */
export function sprintf(format: string, args: readonly unknown[]): string {
  let t = templates.get(format);
  if (t === undefined) {
    t = compileTemplate(format);
    templates.set(format, t);
  }
  if (t === null) return sprintfGeneric(format, args);
  let out = "";
  let argi = 0;
  for (let k = 0; k < t.length; k++) {
    const p = t[k]!;
    if (typeof p === "string") out += p;
    else if (argi >= args.length) out += `%!${p.verb}(MISSING)`;
    else out += formatOne(args[argi++], p);
  }
  return argi < args.length ? out + extra(args, argi) : out;
}

/** The full interpreter (argument indexes, `*` width/precision, malformed verbs). */
function sprintfGeneric(format: string, args: readonly unknown[]): string {
  let out = "";
  let argi = 0;
  let reordered = false;
  const n = format.length;
  let i = 0;
  while (i < n) {
    const pct = format.indexOf("%", i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    if (i >= n) {
      out += "%!(NOVERB)";
      break;
    }
    const spec: Spec = { plus: false, minus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined, verb: "" };
    flags: for (; i < n; i++) {
      switch (format[i]) {
        case "+": spec.plus = true; break;
        case "-": spec.minus = true; spec.zero = false; break;
        case "#": spec.sharp = true; break;
        case " ": spec.space = true; break;
        case "0": spec.zero = !spec.minus; break;
        default: break flags;
      }
    }
    const argIndex = (): boolean => {
      const m = /^\[(\d+)\]/.exec(format.slice(i));
      if (!m) return true;
      const k = Number(m[1]) - 1;
      i += m[0].length;
      reordered = true;
      if (k < 0 || k > args.length) return false;
      argi = k;
      return true;
    };
    let ok = argIndex();
    if (format[i] === "*") {
      i++;
      const w = args[argi++];
      if (typeof w === "number" && isIntNumber(w)) {
        spec.width = Math.abs(w);
        if (w < 0) {
          spec.minus = true;
          spec.zero = false;
        }
      } else out += "%!(BADWIDTH)";
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        spec.width = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === ".") {
      i++;
      ok = argIndex() && ok;
      if (format[i] === "*") {
        i++;
        const p = args[argi++];
        if (typeof p === "number" && isIntNumber(p) && p >= 0) spec.prec = p;
        else out += "%!(BADPREC)";
      } else {
        const m = /^\d+/.exec(format.slice(i));
        spec.prec = m ? Number(m[0]) : 0;
        if (m) i += m[0].length;
      }
    }
    ok = argIndex() && ok;
    if (i >= n) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    spec.verb = verb;
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (!ok) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(args[argi++], spec);
  }
  if (!reordered && argi < args.length) out += extra(args, argi);
  return out;
}
