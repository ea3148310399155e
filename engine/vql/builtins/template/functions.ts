/**
 * The functions template() offers: Go text/template's builtins (and, or, not, len, index,
 * print, printf, eq, ne, lt, le, gt, ge; eq, lt and gt compare with VQL's rules, as in
 * Velociraptor) and the Sprig string helpers templates commonly use (quote, squote, upper,
 * lower, title, trim, trimPrefix, trimSuffix, replace, contains, hasPrefix, hasSuffix, join,
 * split, default, empty, repeat, indent, nindent, toJson, b64enc, b64dec), plus str and bool.
 */
import { utf8Encode } from "../../values/bytes";
import { equals } from "../../values/equality";
import { toJsonText } from "../../values/json";
import { dictGet, dictKeys, isDictLike } from "../../values/ordered-dict";
import { greaterThan, lessThan } from "../../values/ordering";
import { toVqlString } from "../../values/stringify";
import { isTruthy } from "../../values/truthy";
import { sprintf } from "../format/sprintf";
import { base64Decode, base64Encode } from "../text/encoding";
import { goPrint, goTruth } from "./values";

type Fn = (...args: unknown[]) => unknown;
const s = (v: unknown) => (v === undefined ? "" : toVqlString(v));
const goQuote = (v: string) => JSON.stringify(v);

export const TEMPLATE_FUNCTIONS: Readonly<Record<string, Fn>> = {
  and: (...a) => a.find((x) => !goTruth(x)) ?? a.at(-1),
  or: (...a) => a.find((x) => goTruth(x)) ?? a.at(-1),
  not: (x) => !goTruth(x),
  bool: (x) => isTruthy(x),
  len: (x) => (Array.isArray(x) ? x.length : isDictLike(x) ? dictKeys(x).length : utf8Encode(s(x)).length),
  index: (x, ...keys) => keys.reduce((v, k) => (Array.isArray(v) ? v[Number(k)] : isDictLike(v) ? dictGet(v, s(k)) : undefined), x),
  print: (...a) => a.map((x) => goPrint(x)).join(""),
  println: (...a) => a.map((x) => goPrint(x)).join(" ") + "\n",
  printf: (fmt, ...a) => sprintf(s(fmt), a),
  eq: (a, ...b) => b.some((x) => equals(a, x)),
  ne: (a, b) => !equals(a, b),
  lt: (a, b) => lessThan(a, b),
  le: (a, b) => lessThan(a, b) || equals(a, b),
  gt: (a, b) => greaterThan(a, b),
  ge: (a, b) => greaterThan(a, b) || equals(a, b),
  str: (x) => s(x),
  quote: (...a) => a.map((x) => goQuote(s(x))).join(" "),
  squote: (...a) => a.map((x) => `'${s(x)}'`).join(" "),
  upper: (x) => s(x).toUpperCase(),
  lower: (x) => s(x).toLowerCase(),
  title: (x) => s(x).replace(/\b\w/g, (c) => c.toUpperCase()),
  trim: (x) => s(x).trim(),
  trimPrefix: (p, x) => (s(x).startsWith(s(p)) ? s(x).slice(s(p).length) : s(x)),
  trimSuffix: (p, x) => (s(x).endsWith(s(p)) && s(p) ? s(x).slice(0, -s(p).length) : s(x)),
  replace: (a, b, x) => s(x).replaceAll(s(a), s(b)),
  contains: (sub, x) => s(x).includes(s(sub)),
  hasPrefix: (p, x) => s(x).startsWith(s(p)),
  hasSuffix: (p, x) => s(x).endsWith(s(p)),
  join: (sep, list) => (Array.isArray(list) ? list.map(s).join(s(sep)) : s(list)),
  split: (sep, x) => Object.fromEntries(s(x).split(s(sep)).map((p, i) => [`_${i}`, p])),
  default: (d, x) => (goTruth(x) ? x : d),
  empty: (x) => !goTruth(x),
  repeat: (n, x) => s(x).repeat(Math.max(0, Math.min(Number(n) || 0, 1_000_000))),
  indent: (n, x) => s(x).replace(/^/gm, " ".repeat(Number(n) || 0)),
  nindent: (n, x) => "\n" + s(x).replace(/^/gm, " ".repeat(Number(n) || 0)),
  toJson: (x) => toJsonText(x ?? null),
  b64enc: (x) => base64Encode(utf8Encode(s(x))),
  b64dec: (x) => {
    const b = base64Decode(s(x));
    return b ? new TextDecoder().decode(b) : "";
  },
  env: () => "",
  expandenv: () => "",
};
