/**
 * Date string parsing for timestamp() and timestamp/string comparisons: RFC3339/ISO 8601 and
 * the common log formats Velociraptor's auto-parser accepts. Strings without a zone are UTC.
 * Returns null when the text is not a date.
 */
import { Timestamp } from "./timestamp";

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10,
  november: 11, december: 12,
};

const ZONES: Record<string, number> = { UTC: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420 };

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?(?:\s+([A-Z]{3,4}))?$/i;
const SLASH = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i;
// Mon, 02 Jan 2006 15:04:05 MST | 02 Jan 2006 15:04 | Jan 2 2006 15:04:05 | Jan  2 15:04:05 2006
const TEXT =
  /^(?:[A-Za-z]{3,9},?\s+)?(?:(\d{1,2})\s+([A-Za-z]{3,9})|([A-Za-z]{3,9})\s+(\d{1,2}),?)\s+(?:(\d{4})\s+)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s+(\d{4}))?\s*(Z|[+-]\d{4}|[A-Z]{3,4})?(?:\s+(\d{4}))?$/;
const DATE_ONLY_TEXT = /^(?:[A-Za-z]{3,9},?\s+)?(?:(\d{1,2})\s+([A-Za-z]{3,9})|([A-Za-z]{3,9})\s+(\d{1,2}),?)\s+(\d{4})$/;

function build(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, frac = "", offsetMin = 0): Timestamp | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return null;
  // Date.UTC reads years 0-99 as 1900-1999; Go's parser (and Velociraptor's zero time 0001-01-01) does not.
  const ms = new Date(0).setUTCFullYear(y, mo - 1, d) + ((h * 60 + mi) * 60 + s) * 1000;
  if (Number.isNaN(ms)) return null;
  const date = new Date(ms);
  if (date.getUTCDate() !== d && h < 24) return null;
  const nsec = frac ? Number(frac.padEnd(9, "0")) : 0;
  return new Timestamp(ms / 1000 - offsetMin * 60, nsec);
}

function parseOffset(z: string | undefined): number | null {
  if (!z) return 0;
  const u = z.toUpperCase();
  if (u in ZONES) return ZONES[u]!;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (!m) return null;
  const v = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === "-" ? -v : v;
}

export function parseDateString(text: string): Timestamp | null {
  const s = text.trim();
  if (s.length < 6 || s.length > 64) return null;
  let m = ISO.exec(s);
  if (m) {
    const off = parseOffset(m[8] ?? m[9]);
    if (off === null) return null;
    return build(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7] ?? "", off);
  }
  if ((m = SLASH.exec(s))) return build(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7] ?? "");
  if ((m = US.exec(s))) {
    let h = +(m[4] ?? 0);
    const ampm = m[7]?.toUpperCase();
    if (ampm === "PM" && h < 12) h += 12;
    if (ampm === "AM" && h === 12) h = 0;
    return build(+m[3]!, +m[1]!, +m[2]!, h, +(m[5] ?? 0), +(m[6] ?? 0));
  }
  if ((m = TEXT.exec(s))) {
    const day = +(m[1] ?? m[4]!);
    const mon = MONTHS[(m[2] ?? m[3]!).toLowerCase()];
    const year = +(m[5] ?? m[10] ?? m[12] ?? NaN);
    if (!mon || Number.isNaN(year)) return null;
    const off = parseOffset(m[11]);
    if (off === null) return null;
    return build(year, mon, day, +m[6]!, +m[7]!, +(m[8] ?? 0), m[9] ?? "", off);
  }
  if ((m = DATE_ONLY_TEXT.exec(s))) {
    const day = +(m[1] ?? m[4]!);
    const mon = MONTHS[(m[2] ?? m[3]!).toLowerCase()];
    if (!mon) return null;
    return build(+m[5]!, mon, day);
  }
  return null;
}
