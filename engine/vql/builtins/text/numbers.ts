/** int(), atoi(), parse_float(): number conversions (invalid text gives 0). */
import { Bytes, textOf } from "../../values/bytes";
import { Timestamp } from "../../values/timestamp";
import { arg } from "../arg";
import { defineFunction } from "../define";

/** Go strconv.ParseInt(s, 0, 64): 0x / 0o / 0b prefixes, leading-0 octal, `_` separators. */
export function parseIntBase0(text: string): number | null {
  let s = text.trim();
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  let base = 10;
  if (/^0[xX]/.test(s)) (base = 16), (s = s.slice(2));
  else if (/^0[oO]/.test(s)) (base = 8), (s = s.slice(2));
  else if (/^0[bB]/.test(s)) (base = 2), (s = s.slice(2));
  else if (s.length > 1 && s[0] === "0") (base = 8), (s = s.slice(1));
  if (s.includes("_")) {
    if (!/^[0-9a-zA-Z]+(_[0-9a-zA-Z]+)*$/.test(s)) return null;
    s = s.replace(/_/g, "");
  }
  const digits = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!digits.test(s)) return null;
  const v = Number(BigInt.asIntN(64, BigInt((base === 16 ? "0x" : base === 8 ? "0o" : base === 2 ? "0b" : "") + s)));
  return neg ? -v : v;
}

export const intFunction = defineFunction({
  name: "int",
  category: "basic",
  doc: "Convert to an integer: floats truncate, strings parse like Go (`0x10` is 16), invalid text gives 0.",
  args: { int: arg.any().doc("The value to convert.") },
  argErrorValue: false,
  run: ({ int }) => toInt(int),
  unary: toInt,
});

function toInt(int: unknown): number {
  if (typeof int === "number") return Number.isFinite(int) ? Math.trunc(int) : 0;
  if (typeof int === "boolean") return int ? 1 : 0;
  if (typeof int === "string" || int instanceof Bytes) return parseIntBase0(textOf(int)) ?? 0;
  if (int instanceof Timestamp) return int.sec;
  return 0;
}

/** Go's strconv.ParseInt(s, 0, 64) as atoi() uses it: no surrounding space, 0 on error, clamped on overflow. */
function goParseInt64(text: string): number {
  if (text !== text.trim() || parseIntBase0(text) === null) return 0;
  const big = parseBig(text);
  if (big === null) return 0;
  // ParseInt reports a range error with the int64 bound as its value.
  if (big > 9223372036854775807n) return 9223372036854775807;
  if (big < -9223372036854775808n) return -9223372036854775808;
  return Number(big);
}

function parseBig(text: string): bigint | null {
  const neg = text.startsWith("-");
  const s = text.replace(/^[+-]/, "").replace(/_/g, "");
  try {
    const v = /^0[oO]/.test(s) || /^0[bB]/.test(s) || /^0[xX]/.test(s) ? BigInt(s.toLowerCase()) : /^0\d/.test(s) ? BigInt("0o" + s.slice(1)) : BigInt(s);
    return neg ? -v : v;
  } catch {
    return null;
  }
}

export const atoiFunction = defineFunction({
  name: "atoi",
  category: "basic",
  doc: "Convert a value to an integer: text is read as Go's strconv.ParseInt(s, 0, 64) does (`0x` hex, `0o` or leading-0 octal, `0b` binary, `_` separators; invalid text gives 0), numbers are truncated, booleans are 0 or 1.",
  args: { string: arg.any().required().doc("A string (or number) to convert to int.") },
  run({ string }) {
    // Velociraptor vql/functions/functions.go _ToInt: strings through strconv.ParseInt(t, 0, 64),
    // anything else through utils.ToInt64 (bool 0/1, floats truncated, other types 0).
    if (typeof string === "string") return goParseInt64(string);
    if (string instanceof Bytes) return goParseInt64(textOf(string));
    if (typeof string === "boolean") return string ? 1 : 0;
    if (typeof string === "number") return Number.isFinite(string) ? Math.trunc(string) : 0;
    if (typeof string === "bigint") return Number(BigInt.asIntN(64, string));
    return 0;
  },
});

export const parseFloatFunction = defineFunction({
  name: "parse_float",
  category: "basic",
  doc: "Parse a floating point number (invalid text gives 0).",
  args: { string: arg.string().required().doc("The text to parse.") },
  run({ string }) {
    const t = string.trim();
    const v = Number(t);
    return t !== "" && !Number.isNaN(v) ? v : 0;
  },
});
