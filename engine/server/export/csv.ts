// CSV fields for files people open in a spreadsheet (notebook table downloads, `talon query
// --format csv`): RFC 4180 quoting, and text that a spreadsheet would run as a formula (starting
// with =, +, -, @, tab or carriage return: OWASP's CSV injection list) prefixed with a single
// quote, so `=HYPERLINK(...)` is shown as text instead of evaluated. Numbers and booleans are
// written as they are (-5 is a number, not a formula). Pure: no I/O.
const FORMULA_START = /^[=+\-@\t\r]/;

/** `text` as a spreadsheet shows it literally. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quoted(s: string): string {
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A CSV field writer: strings neutralised, numbers and booleans as they are, other values as
 * `stringify` writes them (then neutralised), quoted when they hold a quote, comma, line break
 * or edge space.
 */
export function csvFieldWith(stringify: (v: object) => string): (v: unknown) => string {
  return (v) => {
    if (v === null || v === undefined) return "";
    if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
    return quoted(neutraliseFormula(typeof v === "object" ? stringify(v) : String(v)));
  };
}

/** One CSV field, objects as JSON. */
export const csvField: (v: unknown) => string = csvFieldWith((v) => JSON.stringify(v));
