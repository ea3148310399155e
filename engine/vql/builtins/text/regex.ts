/** regex_replace(), regex_transform(), parse_string_with_regex(). */
import { compileRegex, isRegexError, type CompiledRegex } from "../../regex/compile";
import { expandTemplate, replaceAll } from "../../regex/expand";
import { dictGet, dictKeys, OrderedDict } from "../../values/ordered-dict";
import { toVqlString } from "../../values/stringify";
import { arg } from "../arg";
import { defineFunction } from "../define";
import type { BuiltinContext } from "../types";

function compileOrLog(pattern: string, ctx: BuiltinContext, caseInsensitive: boolean): CompiledRegex | null {
  const re = compileRegex(pattern, { caseInsensitive });
  if (isRegexError(re)) {
    ctx.log("ERROR", `${ctx.name}: Compile regexp: ${re.error}`);
    return null;
  }
  return re;
}

export const regexReplaceFunction = defineFunction({
  name: "regex_replace",
  category: "parsers",
  impure: true,
  doc: "Replace every (case-insensitive) match of `re` with `replace` (Go `$1`/`${name}` expansion) or with the result of `replace_lambda`.",
  args: {
    source: arg.string().required().doc("The text to change."),
    re: arg.string().required().doc("Regular expression (RE2 syntax)."),
    replace: arg.string().doc("Replacement template (`$1`, `${name}`)."),
    replace_lambda: arg.string().doc("Lambda called with each match (`x => ...`)."),
  },
  async run({ source, re, replace, replace_lambda }, ctx) {
    const rx = compileOrLog(re, ctx, true);
    if (!rx) return null;
    if (replace_lambda) {
      const matches = [...rx.matchAll(source)];
      const reps = await Promise.all(matches.map((m) => ctx.evalLambda(replace_lambda, [source.slice(m[0], m[1])])));
      let i = 0;
      return replaceAll(rx, source, () => toVqlString(reps[i++]));
    }
    const tmpl = replace ?? "";
    return replaceAll(rx, source, (m) => expandTemplate(rx, tmpl, source, m));
  },
});

export const regexTransformFunction = defineFunction({
  name: "regex_transform",
  category: "parsers",
  doc: "Apply each `regex: replacement` pair of `map` to the source in order (case-insensitive).",
  args: {
    source: arg.string().required().doc("The text to change."),
    map: arg.dict().required().doc("Ordered dict of regular expression to replacement template."),
    key: arg.string().doc("Only apply the entries whose replacement differs from this key (compatibility; ignored when empty)."),
  },
  run({ source, map }, ctx) {
    let s = source;
    for (const k of dictKeys(map)) {
      const rx = compileOrLog(k, ctx, true);
      if (!rx) continue;
      const tmpl = toVqlString(dictGet(map, k));
      const src = s;
      s = replaceAll(rx, src, (m) => expandTemplate(rx, tmpl, src, m));
    }
    return s;
  },
});

export const parseStringWithRegexFunction = defineFunction({
  name: "parse_string_with_regex",
  category: "parsers",
  doc: "A dict of the capture groups of the first match of each regex: named groups by name, others as g1, g2...",
  args: {
    string: arg.string().required().doc("The text to parse."),
    regex: arg.list(arg.string()).required().doc("One or more regular expressions."),
  },
  run({ string, regex }, ctx) {
    const out = new OrderedDict();
    for (const pattern of regex) {
      const rx = compileOrLog(pattern, ctx, false);
      if (!rx) continue;
      const m = rx.exec(string);
      if (!m) continue;
      for (let g = 1; g <= rx.groupCount; g++) {
        const name = rx.groupNames[g] ?? `g${g}`;
        const s = m[g * 2]!;
        out.set(name, s < 0 ? "" : string.slice(s, m[g * 2 + 1]));
      }
    }
    return out;
  },
});
