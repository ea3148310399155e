// Sigma field matching (Velociraptor's sigma() plugin, vql/sigma/evaluator/modifiers): a field's
// values against a search's values through its modifier chain. Comparisons are case-insensitive
// unless `cased`; plain values (and contains/startswith/endswith) honour Sigma's `*` and `?`
// wildcards with `\` escapes; a list of event values matches when any element does.
import ipaddr from "ipaddr.js";
import { compileRegex, isRegexError, type CompiledRegex } from "../../regex/compile";
import { toJsonText } from "../../values/json";
import { isDictLike } from "../../values/ordered-dict";

/** A field matcher's comparison, built once per rule. */
export type ValueTest = (actual: unknown, lambda: (source: string, value: unknown) => Promise<unknown>) => boolean | Promise<boolean>;

const COMPARATORS = new Set(["contains", "startswith", "endswith", "re", "cidr", "gt", "gte", "lt", "lte", "vql", "exists", "fieldref"]);
const VALUE_MODIFIERS = new Set(["all", "base64", "base64offset", "wide", "utf16le", "utf16be", "utf16", "windash", "cased", "i", "m", "s", "expand"]);

export class SigmaRuleError extends Error {}

/** Event values as text, as Go's fmt.Sprint prints them (dicts and lists as JSON). */
export function coerceString(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString("utf8");
  if (Array.isArray(v) || isDictLike(v)) return toJsonText(v);
  return String(v);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A Sigma value with wildcards as an RE2 pattern (`*` any run, `?` one character, `\*` literal). */
function globPattern(value: string): { pattern: string; wild: boolean } {
  let out = "";
  let wild = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "\\" && i + 1 < value.length && "*?\\".includes(value[i + 1]!)) {
      out += escapeRe(value[i + 1]!);
      i++;
    } else if (c === "*") {
      out += "(?s:.*)";
      wild = true;
    } else if (c === "?") {
      out += "(?s:.)";
      wild = true;
    } else out += escapeRe(c);
  }
  return { pattern: out, wild };
}

function regex(pattern: string, flags: string): CompiledRegex {
  const re = compileRegex(flags ? `(?${flags})${pattern}` : pattern);
  if (isRegexError(re)) throw new SigmaRuleError(`bad regular expression ${JSON.stringify(pattern)}: ${re.error}`);
  return re;
}

function utf16(s: string, bigEndian: boolean, bom: boolean): string {
  const b = Buffer.from(s, "utf16le");
  if (bigEndian) b.swap16();
  const withBom = bom ? Buffer.concat([Buffer.from(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]), b]) : b;
  return withBom.toString("latin1");
}

/** Sigma's base64offset: the three encodings of `s` at offsets 0, 1, 2, trimmed to the stable part. */
function base64Offsets(s: string): string[] {
  const bytes = Buffer.from(s, "latin1");
  const starts = [0, 2, 3];
  const ends = [0, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i), bytes]).toString("base64");
    const endTrim = ends[(bytes.length + i) % 3]!;
    out.push(enc.slice(starts[i]!, endTrim === 0 ? undefined : enc.length + endTrim));
  }
  return out;
}

/** windash: each `-` or `/` at a word's start as any of Windows' dash characters. */
function windashVariants(s: string): string[] {
  const dashes = ["-", "/", "\u2013", "\u2014", "\u2015"];
  if (!/(^|\s)[-/]/.test(s)) return [s];
  return dashes.map((d) => s.replace(/(^|\s)[-/]/g, (_m, pre: string) => pre + d));
}

function toNumber(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return null;
}

/** Modifiers of a field key (`Image|endswith`, `|all`), checked as Velociraptor checks them. */
export function parseModifiers(mods: string[]): { comparator: string | null; modifiers: string[] } {
  let comparator: string | null = null;
  const modifiers: string[] = [];
  mods.forEach((m, i) => {
    if (COMPARATORS.has(m)) {
      if (comparator !== null) throw new SigmaRuleError(`comparator modifier ${comparator} must be the last modifier`);
      comparator = m;
    } else if (VALUE_MODIFIERS.has(m)) {
      if (comparator !== null && !["all", "cased", "i", "m", "s"].includes(m)) throw new SigmaRuleError(`comparator modifier ${comparator} must be the last modifier`);
      if (m === "expand") throw new SigmaRuleError("modifier expand needs placeholders, which Talon does not support");
      modifiers.push(m);
    } else throw new SigmaRuleError(`unknown modifier ${m}`);
    void i;
  });
  return { comparator, modifiers };
}

/**
 * The test for one field: `values` are the search's values (a list: any must match, all with
 * `|all`). Throws SigmaRuleError for rules that cannot compile (bad regex, bad CIDR).
 */
export function fieldTest(mods: string[], values: unknown[]): { test: ValueTest; all: boolean } {
  const { comparator, modifiers } = parseModifiers(mods);
  const all = modifiers.includes("all");
  const cased = modifiers.includes("cased");
  // Expected values after the value modifiers (each may expand into several alternatives).
  const expanded: unknown[][] = values.map((v) => {
    let alts: unknown[] = [v];
    for (const m of modifiers) {
      const str = (x: unknown) => coerceString(x);
      if (m === "wide" || m === "utf16le") alts = alts.map((x) => utf16(str(x), false, false));
      else if (m === "utf16be") alts = alts.map((x) => utf16(str(x), true, false));
      else if (m === "utf16") alts = alts.map((x) => utf16(str(x), false, true));
      else if (m === "base64") alts = alts.map((x) => Buffer.from(str(x), "latin1").toString("base64"));
      else if (m === "base64offset") alts = alts.flatMap((x) => base64Offsets(str(x)));
      else if (m === "windash") alts = alts.flatMap((x) => windashVariants(str(x)));
    }
    return alts;
  });
  const one = (expected: unknown): ValueTest => {
    switch (comparator) {
      case null:
      case "contains":
      case "startswith":
      case "endswith": {
        if (expected === null) return (a) => a === null || a === undefined;
        if (comparator === null && (typeof expected === "number" || typeof expected === "boolean")) {
          const e = String(expected).toLowerCase();
          return (a) => coerceString(a).toLowerCase() === e;
        }
        const { pattern } = globPattern(coerceString(expected));
        const anchored = comparator === "contains" ? pattern : comparator === "startswith" ? `^(?:${pattern})` : comparator === "endswith" ? `(?:${pattern})$` : `^(?:${pattern})$`;
        const re = regex(anchored, cased ? "s" : "is");
        return (a) => a !== null && a !== undefined && re.test(coerceString(a));
      }
      case "re": {
        const flags = "i" + (modifiers.includes("m") ? "m" : "") + (modifiers.includes("s") ? "s" : "");
        const re = regex(coerceString(expected), cased ? flags.replace("i", "") : flags);
        return (a) => a !== null && a !== undefined && re.test(coerceString(a));
      }
      case "cidr": {
        let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
        try {
          range = ipaddr.parseCIDR(coerceString(expected));
        } catch {
          throw new SigmaRuleError(`bad CIDR ${JSON.stringify(expected)}`);
        }
        return (a) => {
          try {
            const ip = ipaddr.process(coerceString(a));
            return ip.kind() === range[0].kind() && ip.match(range as never);
          } catch {
            return false;
          }
        };
      }
      case "gt":
      case "gte":
      case "lt":
      case "lte": {
        const e = toNumber(expected);
        if (e === null) throw new SigmaRuleError(`${comparator} needs a number, not ${JSON.stringify(expected)}`);
        return (a) => {
          const n = toNumber(a);
          if (n === null) return false;
          return comparator === "gt" ? n > e : comparator === "gte" ? n >= e : comparator === "lt" ? n < e : n <= e;
        };
      }
      case "exists": {
        const want = expected === true || String(expected).toLowerCase() === "true";
        return (a) => (a !== undefined && a !== null) === want;
      }
      case "vql": {
        const source = coerceString(expected);
        return async (a, lambda) => Boolean(await lambda(source, a));
      }
      default:
        throw new SigmaRuleError(`modifier ${comparator} is not supported`);
    }
  };
  const tests = expanded.map((alts) => alts.map(one));
  const test: ValueTest = (actual, lambda) => {
    const actuals = Array.isArray(actual) ? (actual.length ? actual : [null]) : [actual];
    const altsMatch = (alts: ValueTest[]): boolean | Promise<boolean> => {
      let pending: Promise<boolean>[] | null = null;
      for (const t of alts) {
        for (const a of actuals) {
          const r = t(a, lambda);
          if (r === true) return true;
          if (r instanceof Promise) (pending ??= []).push(r);
        }
      }
      return pending ? Promise.all(pending).then((rs) => rs.some(Boolean)) : false;
    };
    const results = tests.map(altsMatch);
    if (results.some((r) => r instanceof Promise)) {
      return Promise.all(results).then((rs) => (all ? rs.every(Boolean) : rs.some(Boolean)));
    }
    return all ? results.every(Boolean) : results.some(Boolean);
  };
  return { test, all };
}
