/**
 * Go's regexp template expansion for replacements: `$1`, `${1}`, `$name`, `${name}`, `$$`.
 * A name is the longest run of letters, digits and `_` (so `$1x` means the group "1x", which
 * does not exist and expands to nothing), exactly as Go's Regexp.Expand.
 */
import type { CompiledRegex, MatchOffsets } from "./compile";

function groupText(re: CompiledRegex, src: string, m: MatchOffsets, name: string): string {
  let idx = -1;
  if (/^\d+$/.test(name)) idx = Number(name);
  else idx = re.groupNames.indexOf(name);
  if (idx < 0 || idx > re.groupCount) return "";
  const s = m[idx * 2]!;
  const e = m[idx * 2 + 1]!;
  return s < 0 ? "" : src.slice(s, e);
}

export function expandTemplate(re: CompiledRegex, template: string, src: string, m: MatchOffsets): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const j = template.indexOf("$", i);
    if (j < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, j);
    const next = template[j + 1];
    if (next === "$") {
      out += "$";
      i = j + 2;
      continue;
    }
    if (next === "{") {
      const close = template.indexOf("}", j + 2);
      const name = close < 0 ? "" : template.slice(j + 2, close);
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(name)) {
        out += "$";
        i = j + 1;
        continue;
      }
      out += groupText(re, src, m, name);
      i = close + 1;
      continue;
    }
    const nm = /^[A-Za-z0-9_]+/.exec(template.slice(j + 1));
    if (!nm) {
      out += "$";
      i = j + 1;
      continue;
    }
    out += groupText(re, src, m, nm[0]);
    i = j + 1 + nm[0].length;
  }
  return out;
}

/**
 * Go's ReplaceAllString: every match replaced by `replace(match)`, except an empty match
 * directly after the previous match.
 */
export function replaceAll(re: CompiledRegex, src: string, replace: (m: MatchOffsets) => string): string {
  let out = "";
  let last = 0;
  for (const m of re.matchAll(src)) {
    out += src.slice(last, m[0]) + replace(m);
    last = m[1]!;
  }
  return out + src.slice(last);
}

/** Go's Regexp.Split(s, -1). */
export function splitRegex(re: CompiledRegex, s: string): string[] {
  if (s.length === 0) return [""];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of re.matchAll(s)) {
    end = m[0]!;
    if (m[1] !== 0) out.push(s.slice(beg, end));
    beg = m[1]!;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}
