/**
 * Number text as Go prints it: %v / strconv 'g' shortest, fixed and exponent forms with Go's
 * round-half-to-even on exact ties (JS rounds those half up), and JSON numbers.
 */
import { isIntNumber } from "./kinds";

/** Shortest round-trip digits and decimal exponent of a finite non-zero |x|: x = 0.d1d2.. x 10^dp. */
function shortestDigits(x: number): { digits: string; exp: number } {
  const e = Math.abs(x).toExponential(); // "d.ddde+x", shortest round-trip digits
  const i = e.indexOf("e");
  const mant = e.slice(0, i).replace(".", "");
  return { digits: mant, exp: Number(e.slice(i + 1)) };
}

function expSuffix(exp: number, upper = false): string {
  const sign = exp < 0 ? "-" : "+";
  const a = Math.abs(exp);
  return (upper ? "E" : "e") + sign + (a < 10 ? "0" + a : String(a));
}

/** Go `%v` / strconv.FormatFloat(x, 'g', -1, 64) for a float64. */
export function formatFloatShortest(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const { digits, exp } = shortestDigits(x);
  const sign = x < 0 ? "-" : "";
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    return sign + m + expSuffix(exp);
  }
  return sign + plainFromDigits(digits, exp);
}

function plainFromDigits(digits: string, exp: number): string {
  if (exp < 0) return "0." + "0".repeat(-exp - 1) + digits;
  if (digits.length <= exp + 1) return digits + "0".repeat(exp + 1 - digits.length);
  return digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
}

/**
 * VQL `%v` text of a number: int64 values print as integers, other numbers like Go float64.
 * (JS has one number type; integral values within int64 are treated as ints.)
 */
export function formatNumber(n: number): string {
  if (isIntNumber(n)) return Object.is(n, -0) ? "0" : String(n);
  return formatFloatShortest(n);
}

/** JSON number text as Go's encoding/json writes float64 (same thresholds as JS). */
export function jsonNumber(n: number): string {
  if (!Number.isFinite(n)) return "null";
  return Object.is(n, -0) ? "0" : String(n);
}

/** True when x.toFixed(p) rounded an exact tie (JS rounds it away from zero). */
function isExactTieFixed(x: number, p: number): boolean {
  if (p + 1 > 100) return false;
  const t = Math.abs(x).toFixed(p + 1);
  if (!t.endsWith("5")) return false;
  const more = Math.min(100, p + 26);
  return Math.abs(x).toFixed(more) === t + "0".repeat(more - p - 1);
}

/** strconv.FormatFloat(x, 'f', p, 64). */
export function formatFixed(x: number, p: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf";
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let s: string;
  if (a >= 1e21) s = bigFixed(a, p);
  else {
    s = a.toFixed(Math.min(p, 100));
    if (p > 100) s += "0".repeat(p - 100);
    if (isExactTieFixed(a, p)) {
      const t = a.toFixed(p + 1).slice(0, -1);
      const down = t.endsWith(".") ? t.slice(0, -1) : t;
      const last = down.replace(".", "").slice(-1);
      if (Number(last) % 2 === 0) s = down;
    }
  }
  return (neg && !/^[0.]*$/.test(s) ? "-" : neg && Object.is(x, -0) ? "-" : "") + s;
}

function bigFixed(a: number, p: number): string {
  // Integers >= 1e21 are exact in binary; print all digits.
  const int = BigInt(a).toString();
  return p > 0 ? int + "." + "0".repeat(p) : int;
}

/** strconv.FormatFloat(x, 'e', p, 64) (upper for %E). */
export function formatExponent(x: number, p: number, upper = false): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf";
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let s = a.toExponential(Math.min(p, 100));
  // Exact tie handling like formatFixed, on the mantissa.
  if (p < 100 && a !== 0) {
    const t = a.toExponential(p + 1);
    const [tm, te] = t.split("e");
    const more = a.toExponential(Math.min(100, p + 26)).split("e");
    if (tm!.endsWith("5") && more[1] === te && more[0] === tm + "0".repeat(Math.min(100, p + 26) - p - 1)) {
      const down = tm!.slice(0, -1);
      const d = down.endsWith(".") ? down.slice(0, -1) : down;
      if (Number(d.slice(-1)) % 2 === 0) s = d + "e" + te;
    }
  }
  const i = s.indexOf("e");
  const exp = Number(s.slice(i + 1));
  return (neg ? "-" : "") + s.slice(0, i) + expSuffix(exp, upper);
}

/** strconv.FormatFloat(x, 'g', p, 64) with p >= 0 (%g with a precision). */
export function formatGeneral(x: number, p: number, upper = false): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf";
  if (p === 0) p = 1;
  if (x === 0) return "0";
  const e = formatExponent(x, p - 1, upper);
  const i = e.search(/[eE]/);
  const exp = Number(e.slice(i + 1));
  if (exp < -4 || exp >= p) {
    // %e form with trailing zeros removed
    let m = e.slice(0, i);
    if (m.includes(".")) m = m.replace(/0+$/, "").replace(/\.$/, "");
    return m + e.slice(i);
  }
  let f = formatFixed(x, Math.max(0, p - 1 - exp));
  if (f.includes(".")) f = f.replace(/0+$/, "").replace(/\.$/, "");
  return f;
}
