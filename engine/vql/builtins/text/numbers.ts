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

export const atoiFunction = defineFunction({
  name: "atoi",
  category: "basic",
  doc: "Parse a decimal integer string (invalid text gives 0).",
  args: { string: arg.string().required().doc("The text to parse.") },
  run({ string }) {
    return /^\s*[+-]?\d+\s*$/.test(string) ? Number(BigInt.asIntN(64, BigInt(string.trim()))) : 0;
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
