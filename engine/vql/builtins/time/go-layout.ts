/**
 * Go time layouts ("2006-01-02T15:04:05Z07:00"): formatting (in UTC or at a zone offset) and parsing in UTC, plus the named
 * layouts (RFC3339, DateTime, ...) that timestamp_format() and timestamp(format=) accept.
 */
import { Timestamp } from "../../values/timestamp";

export const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: "Mon Jan _2 15:04:05 2006",
  UnixDate: "Mon Jan _2 15:04:05 MST 2006",
  RubyDate: "Mon Jan 02 15:04:05 -0700 2006",
  RFC822: "02 Jan 06 15:04 MST",
  RFC822Z: "02 Jan 06 15:04 -0700",
  RFC850: "Monday, 02-Jan-06 15:04:05 MST",
  RFC1123: "Mon, 02 Jan 2006 15:04:05 MST",
  RFC1123Z: "Mon, 02 Jan 2006 15:04:05 -0700",
  RFC3339: "2006-01-02T15:04:05Z07:00",
  RFC3339Nano: "2006-01-02T15:04:05.999999999Z07:00",
  Kitchen: "3:04PM",
  Stamp: "Jan _2 15:04:05",
  StampMilli: "Jan _2 15:04:05.000",
  StampMicro: "Jan _2 15:04:05.000000",
  StampNano: "Jan _2 15:04:05.000000000",
  DateTime: "2006-01-02 15:04:05",
  DateOnly: "2006-01-02",
  TimeOnly: "15:04:05",
};

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

// Longest tokens first: the order in which Go's nextStdChunk recognises them.
const TOKENS = [
  "January", "Monday", "2006", "-07:00:00", "-0700", "-07:00", "-07", "Z07:00:00", "Z0700", "Z07:00", "Z07",
  "Jan", "Mon", "MST", "002", "__2", "_2", "01", "02", "03", "04", "05", "06", "15", "PM", "pm",
  "1", "2", "3", "4", "5",
];

type Piece = { lit: string } | { tok: string } | { frac: string };

function tokenize(layout: string): Piece[] {
  const out: Piece[] = [];
  let lit = "";
  let i = 0;
  while (i < layout.length) {
    const frac = /^[.,](0+|9+)(?!\d)/.exec(layout.slice(i));
    if (frac && /\d/.test(layout[i - 1] ?? "")) {
      if (lit) out.push({ lit }), (lit = "");
      out.push({ frac: frac[0] });
      i += frac[0].length;
      continue;
    }
    const tok = TOKENS.find((t) => layout.startsWith(t, i) && !(t === "Mon" && layout.startsWith("Monday", i)) && !(t === "Jan" && layout.startsWith("January", i)));
    if (tok) {
      if (lit) out.push({ lit }), (lit = "");
      out.push({ tok });
      i += tok.length;
    } else lit += layout[i++];
  }
  if (lit) out.push({ lit });
  return out;
}

const p2 = (n: number) => String(n).padStart(2, "0");

/** Formats a timestamp (in UTC) with a Go layout or a named layout. */
export function formatGoLayout(t: Timestamp, layoutOrName: string, zone?: { offsetSec: number; abbrev: string }): string {
  const layout = NAMED_LAYOUTS[layoutOrName] ?? layoutOrName;
  const off = zone?.offsetSec ?? 0;
  const d = new Date((t.sec + off) * 1000);
  const sign = off < 0 ? "-" : "+";
  const oh = p2(Math.floor(Math.abs(off) / 3600)), om = p2(Math.floor((Math.abs(off) % 3600) / 60)), os = p2(Math.abs(off) % 60);
  const Y = d.getUTCFullYear(), M = d.getUTCMonth(), D = d.getUTCDate(), h = d.getUTCHours(), m = d.getUTCMinutes(), s = d.getUTCSeconds();
  let out = "";
  for (const p of tokenize(layout)) {
    if ("lit" in p) out += p.lit;
    else if ("frac" in p) {
      const digits = p.frac.length - 1;
      let f = String(t.nsec).padStart(9, "0").slice(0, digits);
      if (p.frac[1] === "9") {
        f = f.replace(/0+$/, "");
        out += f ? p.frac[0] + f : "";
      } else out += p.frac[0] + f;
    } else {
      switch (p.tok) {
        case "2006": out += String(Y).padStart(4, "0"); break;
        case "06": out += p2(Y % 100); break;
        case "January": out += MONTHS[M]; break;
        case "Jan": out += MONTHS[M]!.slice(0, 3); break;
        case "01": out += p2(M + 1); break;
        case "1": out += String(M + 1); break;
        case "Monday": out += DAYS[d.getUTCDay()]; break;
        case "Mon": out += DAYS[d.getUTCDay()]!.slice(0, 3); break;
        case "02": out += p2(D); break;
        case "_2": out += String(D).padStart(2, " "); break;
        case "2": out += String(D); break;
        case "002": case "__2": {
          const yd = Math.floor((Date.UTC(Y, M, D) - Date.UTC(Y, 0, 1)) / 86400000) + 1;
          out += p.tok === "002" ? String(yd).padStart(3, "0") : String(yd).padStart(3, " ");
          break;
        }
        case "15": out += p2(h); break;
        case "03": out += p2(h % 12 || 12); break;
        case "3": out += String(h % 12 || 12); break;
        case "04": out += p2(m); break;
        case "4": out += String(m); break;
        case "05": out += p2(s); break;
        case "5": out += String(s); break;
        case "PM": out += h >= 12 ? "PM" : "AM"; break;
        case "pm": out += h >= 12 ? "pm" : "am"; break;
        case "MST": out += zone?.abbrev ?? "UTC"; break;
        case "Z07:00": out += off === 0 ? "Z" : `${sign}${oh}:${om}`; break;
        case "Z0700": out += off === 0 ? "Z" : `${sign}${oh}${om}`; break;
        case "Z07": out += off === 0 ? "Z" : `${sign}${oh}`; break;
        case "Z07:00:00": out += off === 0 ? "Z" : `${sign}${oh}:${om}:${os}`; break;
        case "-07:00": out += `${sign}${oh}:${om}`; break;
        case "-0700": out += `${sign}${oh}${om}`; break;
        case "-07": out += `${sign}${oh}`; break;
        case "-07:00:00": out += `${sign}${oh}:${om}:${os}`; break;
      }
    }
  }
  return out;
}

/** Parses text with a Go layout; null when it does not match. Missing parts default like Go. */
export function parseGoLayout(text: string, layoutOrName: string): Timestamp | null {
  const layout = NAMED_LAYOUTS[layoutOrName] ?? layoutOrName;
  let Y = 0, M = 1, D = 1, h = 0, m = 0, s = 0, ns = 0, off = 0, pm: boolean | null = null;
  let i = 0;
  const num = (min: number, max: number): number | null => {
    const r = new RegExp(`^[+-]?\\d{${min},${max}}`).exec(text.slice(i));
    if (!r) return null;
    i += r[0].length;
    return Number(r[0]);
  };
  const word = (list: string[], len?: number): number | null => {
    for (let k = 0; k < list.length; k++) {
      const w = len ? list[k]!.slice(0, len) : list[k]!;
      if (text.slice(i, i + w.length).toLowerCase() === w.toLowerCase()) {
        i += w.length;
        return k;
      }
    }
    return null;
  };
  for (const p of tokenize(layout)) {
    let v: number | null = 0;
    if ("lit" in p) {
      if (text.slice(i, i + p.lit.length) !== p.lit) {
        if (p.lit.trim() === "" && /^\s*/.test(text.slice(i))) {
          i += /^\s*/.exec(text.slice(i))![0].length;
          continue;
        }
        return null;
      }
      i += p.lit.length;
      continue;
    }
    if ("frac" in p) {
      const r = /^[.,](\d+)/.exec(text.slice(i));
      if (r) {
        ns = Number(r[1]!.slice(0, 9).padEnd(9, "0"));
        i += r[0].length;
      } else if (p.frac[1] !== "9") return null;
      continue;
    }
    switch (p.tok) {
      case "2006": v = num(4, 4); if (v !== null) Y = v; break;
      case "06": v = num(2, 2); if (v !== null) Y = v + (v >= 69 ? 1900 : 2000); break;
      case "January": v = word(MONTHS); if (v !== null) M = v + 1; break;
      case "Jan": v = word(MONTHS, 3); if (v !== null) M = v + 1; break;
      case "01": case "1": v = num(1, 2); if (v !== null) M = v; break;
      case "Monday": v = word(DAYS); break;
      case "Mon": v = word(DAYS, 3); break;
      case "02": case "2": v = num(1, 2); if (v !== null) D = v; break;
      case "_2": i += /^ ?/.exec(text.slice(i))![0].length; v = num(1, 2); if (v !== null) D = v; break;
      case "002": case "__2": v = num(1, 3); break;
      case "15": v = num(1, 2); if (v !== null) h = v; break;
      case "03": case "3": v = num(1, 2); if (v !== null) h = v; break;
      case "04": case "4": v = num(1, 2); if (v !== null) m = v; break;
      case "05": case "5": {
        v = num(1, 2);
        if (v !== null) s = v;
        const r = /^[.,](\d+)/.exec(text.slice(i));
        if (r) (ns = Number(r[1]!.slice(0, 9).padEnd(9, "0"))), (i += r[0].length);
        break;
      }
      case "PM": case "pm": {
        const r = /^(AM|PM)/i.exec(text.slice(i));
        if (!r) return null;
        pm = r[1]!.toUpperCase() === "PM";
        i += 2;
        break;
      }
      case "MST": {
        const r = /^[A-Z]{3,5}/.exec(text.slice(i));
        if (!r) return null;
        i += r[0].length;
        break;
      }
      default: {
        // zone offsets
        if (p.tok.startsWith("Z") && text[i] === "Z") {
          i++;
          break;
        }
        const r = /^([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?/.exec(text.slice(i));
        if (!r) return null;
        off = (Number(r[2]) * 60 + Number(r[3] ?? 0)) * (r[1] === "-" ? -1 : 1);
        i += r[0].length;
      }
    }
    if (v === null) return null;
  }
  if (i !== text.length) return null;
  if (pm !== null) h = (h % 12) + (pm ? 12 : 0);
  const date = new Date(0);
  date.setUTCFullYear(Y, M - 1, D);
  date.setUTCHours(h, m, s, 0);
  const ms = date.getTime();
  if (Number.isNaN(ms)) return null;
  return new Timestamp(ms / 1000 - off * 60, ns);
}
