/**
 * grok(): parse a string with a grok expression, as Velociraptor's grok() (vql/parsers/grok.go):
 * `%{NAME:field}` matches the named pattern (text/grok-patterns.ts, or `patterns`) and captures
 * it as `field`; `%{NAME}` only matches (with all_captures it captures as NAME). The result is a
 * dict of the captures, keys sorted, values strings; {} when the text does not match, NULL when
 * the expression names an unknown pattern.
 */
import { compileRegex, isRegexError, type CompiledRegex } from "../../regex/compile";
import { Lru } from "../../regex/lru";
import { dictGet, dictKeys, OrderedDict } from "../../values/ordered-dict";
import { arg } from "../arg";
import { defineFunction } from "../define";
import { GROK_PATTERNS } from "./grok-patterns";

const REF = /%\{(\w+)(?::([\w.@\[\]-]+))?(?::(\w+))?\}/g;
const MAX_DEPTH = 30;
/** Expanded expressions longer than this are refused (patterns that reference themselves). */
const MAX_SOURCE = 200_000;

export interface CompiledGrok {
  re: CompiledRegex;
  /** Group index -> captured field name (null: not captured). */
  fields: (string | null)[];
}

/** The grok expression as RE2 with numbered groups, and the field of each group. */
export function compileGrok(expr: string, extra: Readonly<Record<string, string>>, allCaptures: boolean): CompiledGrok | string {
  const fields: string[] = [];
  let problem: string | undefined;
  const expand = (text: string, depth: number): string =>
    text.replace(REF, (_m, name: string, field: string | undefined) => {
      const body = extra[name] ?? GROK_PATTERNS[name];
      if (body === undefined) {
        problem ??= `no pattern found for %{${name}}`;
        return "";
      }
      if (depth > MAX_DEPTH || problem) {
        problem ??= `pattern %{${name}} nests too deeply`;
        return "";
      }
      const label = field ?? (allCaptures ? name : undefined);
      if (label === undefined) return `(?:${expand(body, depth + 1)})`;
      const id = fields.length;
      fields.push(label);
      return `(?P<grok${id}>${expand(body, depth + 1)})`;
    });
  const source = expand(expr, 0);
  if (problem) return problem;
  if (source.length > MAX_SOURCE) return `the expression expands to over ${MAX_SOURCE} characters`;
  const re = compileRegex(source);
  if (isRegexError(re)) return re.error;
  return { re, fields: re.groupNames.map((n) => (n?.startsWith("grok") ? fields[Number(n.slice(4))] ?? null : null)) };
}

/** The captures of one match as grok() returns them (a later capture of a name wins). */
export function grokMatch(g: CompiledGrok, data: string): OrderedDict {
  const m = g.re.exec(data);
  const found = new Map<string, string>();
  if (m) {
    for (let i = 1; i < g.fields.length; i++) {
      const f = g.fields[i];
      if (!f) continue;
      const s = m[i * 2]!;
      found.set(f, s < 0 ? "" : data.slice(s, m[i * 2 + 1]));
    }
  }
  return new OrderedDict([...found.keys()].sort().map((k) => [k, found.get(k)!] as const));
}

const cache = new Lru<string, CompiledGrok | string>(200);

export const grokFunction = defineFunction({
  name: "grok",
  category: "parsers",
  doc: "Parse a string using a Grok expression (`%{PATTERN:field}`), as for syslog style logs: a dict of the captured fields ({} when the string does not match).",
  args: {
    grok: arg.string().required().doc("Grok pattern."),
    data: arg.string().required().doc("String to parse."),
    patterns: arg.any().doc("Additional patterns: a dict of name to pattern."),
    all_captures: arg.bool().default(false).doc("Extract all captures (unnamed %{NAME} too, as NAME)."),
  },
  run({ grok, data, patterns, all_captures }, ctx) {
    const extra: Record<string, string> = {};
    if (patterns instanceof OrderedDict || (patterns && typeof patterns === "object" && !Array.isArray(patterns))) {
      const d = patterns as OrderedDict;
      for (const k of dictKeys(d)) {
        const p = dictGet(d, k);
        if (typeof p === "string") extra[k] = p;
      }
    }
    const key = JSON.stringify([grok, extra, all_captures]);
    let g = cache.get(key);
    if (g === undefined) {
      g = compileGrok(grok, extra, all_captures);
      cache.set(key, g);
    }
    if (typeof g === "string") {
      ctx.log("ERROR", `grok: ${g}`);
      return null;
    }
    return grokMatch(g, data);
  },
});
