/** Go's strconv.Quote / QuoteRune (used by %q and %#v). */

function escapeRune(cp: number, quote: string, ascii: boolean): string {
  const c = String.fromCodePoint(cp);
  if (c === quote || c === "\\") return "\\" + c;
  if (cp >= 0x20 && cp < 0x7f) return c;
  switch (cp) {
    case 0x07: return "\\a";
    case 0x08: return "\\b";
    case 0x0c: return "\\f";
    case 0x0a: return "\\n";
    case 0x0d: return "\\r";
    case 0x09: return "\\t";
    case 0x0b: return "\\v";
  }
  if (cp < 0x20 || cp === 0x7f) return "\\x" + cp.toString(16).padStart(2, "0");
  if (!ascii && isPrintable(cp)) return c;
  if (cp === 0xfffd && !ascii) return c;
  if (cp < 0x10000) return "\\u" + cp.toString(16).padStart(4, "0");
  return "\\U" + cp.toString(16).padStart(8, "0");
}

function isPrintable(cp: number): boolean {
  // Letters, marks, numbers, punctuation, symbols and the ASCII space are printable in Go.
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(cp));
}

/** strconv.Quote (or QuoteToASCII when `ascii`). */
export function goQuote(s: string, ascii = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0)!, '"', ascii);
  return out + '"';
}

export function goQuoteRune(cp: number): string {
  if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  return "'" + escapeRune(cp, "'", false) + "'";
}
