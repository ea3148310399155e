/**
 * Fast-path analysis: translates an RE2 pattern to a JS RegExp ONLY when the pattern is in a
 * subset where both engines agree and V8's backtracking stays cheap: ASCII only, no quantifier
 * on a group except `?` over a quantifier-free group, at most one repeating quantifier in the
 * whole pattern (so an unanchored search is at worst quadratic; the caller bounds input length
 * in that case), no inline flags except leading `(?i)`/`(?-i)`/`(?s)`. Anything else returns
 * null and the caller uses re2js. The pattern must already have compiled with RE2 (valid).
 */

export interface FastRegex {
  re: RegExp;
  /** True when the pattern has one repeating quantifier (worst case quadratic search). */
  repeats: boolean;
}

const JS_SYNTAX = new Set("^$\\.*+?()[]{}|/".split(""));

function escapeLiteral(c: string): string {
  return JS_SYNTAX.has(c) ? "\\" + c : c;
}

interface State {
  i: number;
  out: string;
  repeating: number;
  caseInsensitive: boolean;
  dotAll: boolean;
}

function parseFlags(p: string, st: State, flags: { i: boolean; s: boolean }): boolean {
  for (;;) {
    const m = /^\(\?(-?)([is]+)\)/.exec(p.slice(st.i));
    if (!m) return true;
    if (!/^\(\?(?:i|s|is|si|-i|-s|-is|-si)\)$/.test(m[0])) return false;
    const on = m[1] !== "-";
    for (const f of m[2]!) {
      if (f === "i") flags.i = on;
      else flags.s = on;
    }
    st.i += m[0].length;
  }
}

function translateClass(p: string, st: State): boolean {
  // at '['
  st.i++;
  let out = "[";
  if (p[st.i] === "^") {
    out += "^";
    st.i++;
  }
  let first = true;
  while (st.i < p.length) {
    const c = p[st.i]!;
    if (c === "]" && !first) {
      st.out += out + "]";
      st.i++;
      return true;
    }
    first = false;
    if (c === "[") {
      if (p[st.i + 1] === ":") return false;
      out += "\\[";
      st.i++;
      continue;
    }
    if (c === "\\") {
      const d = p[st.i + 1];
      if (d === undefined) return false;
      if (d === "d" || d === "w") {
        if (d === "w" && st.caseInsensitive) return false;
        out += "\\" + d;
      } else if (d === "s") out += "\\t\\n\\f\\r ";
      else if ("ntrfv".includes(d)) out += "\\" + d;
      else if (/[A-Za-z0-9]/.test(d)) return false;
      else out += JS_SYNTAX.has(d) || d === "-" ? "\\" + d : d;
      st.i += 2;
      continue;
    }
    if (c === "-") {
      out += "-";
      st.i++;
      continue;
    }
    if (c.charCodeAt(0) > 0x7e || c.charCodeAt(0) < 0x20) return false;
    out += JS_SYNTAX.has(c) ? "\\" + c : c;
    st.i++;
  }
  return false;
}

/** Parses a quantifier at st.i if any; returns [min, max] (max -1 = unbounded) or null. */
function quantifier(p: string, st: State): [number, number] | null | false {
  const c = p[st.i];
  let q: [number, number] | null = null;
  let len = 1;
  if (c === "*") q = [0, -1];
  else if (c === "+") q = [1, -1];
  else if (c === "?") q = [0, 1];
  else if (c === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(st.i));
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
    q = [min, max];
    len = m[0].length;
  }
  if (!q) return null;
  st.out += p.slice(st.i, st.i + len);
  st.i += len;
  if (p[st.i] === "?") {
    st.out += "?";
    st.i++;
  }
  if (p[st.i] === "*" || p[st.i] === "+" || p[st.i] === "?" || p[st.i] === "{") return false;
  return q;
}

/** Translates a sequence until ')' or end; returns whether it contains a quantifier. */
function translateSeq(p: string, st: State, depth: number): { ok: boolean; hasQuant: boolean } {
  let hasQuant = false;
  while (st.i < p.length) {
    const c = p[st.i]!;
    if (c === ")") {
      if (depth === 0) return { ok: false, hasQuant };
      return { ok: true, hasQuant };
    }
    let atomIsGroup = false;
    let groupHasQuant = false;
    if (c === "(") {
      const rest = p.slice(st.i);
      let open: string;
      if (rest.startsWith("(?:")) open = "(?:";
      else if (rest.startsWith("(?P<") || rest.startsWith("(?<")) {
        const m = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
        if (!m) return { ok: false, hasQuant };
        open = m[0];
      } else if (rest.startsWith("(?")) return { ok: false, hasQuant };
      else open = "(";
      st.i += open.length;
      st.out += open.startsWith("(?P<") || open.startsWith("(?<") ? "(" : open;
      const inner = translateSeq(p, st, depth + 1);
      if (!inner.ok || p[st.i] !== ")") return { ok: false, hasQuant };
      st.out += ")";
      st.i++;
      atomIsGroup = true;
      groupHasQuant = inner.hasQuant;
      hasQuant ||= inner.hasQuant;
    } else if (c === "[") {
      if (!translateClass(p, st)) return { ok: false, hasQuant };
    } else if (c === "\\") {
      const d = p[st.i + 1];
      if (d === undefined) return { ok: false, hasQuant };
      if (d === "d" || d === "D") st.out += "\\" + d;
      else if (d === "w" || d === "W" || d === "b" || d === "B") {
        if (st.caseInsensitive) return { ok: false, hasQuant };
        st.out += "\\" + d;
      } else if (d === "s") st.out += "[\\t\\n\\f\\r ]";
      else if (d === "S") st.out += "[^\\t\\n\\f\\r ]";
      else if ("ntrfv".includes(d)) st.out += "\\" + d;
      else if (/[A-Za-z0-9]/.test(d) || d.charCodeAt(0) > 0x7e) return { ok: false, hasQuant };
      else st.out += escapeLiteral(d);
      st.i += 2;
      if (d === "b" || d === "B") continue; // assertions take no quantifier here
    } else if (c === "|") {
      st.out += "|";
      st.i++;
      continue;
    } else if (c === "^" || c === "$") {
      st.out += c;
      st.i++;
      continue;
    } else if (c === ".") {
      // JS `.` also excludes \r and U+2028/9; RE2's excludes only \n (both match all with s).
      st.out += st.dotAll ? "." : "[^\\n]";
      st.i++;
    } else if (c === "*" || c === "+" || c === "?") {
      return { ok: false, hasQuant };
    } else if (c === "{") {
      if (/^\{\d+(,\d*)?\}/.test(p.slice(st.i))) return { ok: false, hasQuant };
      st.out += "\\{";
      st.i++;
    } else {
      if (c.charCodeAt(0) > 0x7e || c.charCodeAt(0) < 0x20) {
        if (c !== "\t") return { ok: false, hasQuant };
      }
      st.out += escapeLiteral(c);
      st.i++;
    }
    const q = quantifier(p, st);
    if (q === false) return { ok: false, hasQuant };
    if (q) {
      const [, max] = q;
      if (atomIsGroup && (groupHasQuant || max !== 1)) return { ok: false, hasQuant };
      if (max === -1 || max > 1) st.repeating++;
      hasQuant = true;
    }
  }
  return { ok: depth === 0, hasQuant };
}

/** A JS RegExp equivalent to the RE2 pattern, or null when the pattern is outside the safe subset. */
export function toFastRegex(pattern: string): FastRegex | null {
  if (pattern.length > 512) return null;
  const flags = { i: false, s: false };
  const st: State = { i: 0, out: "", repeating: 0, caseInsensitive: false, dotAll: false };
  if (!parseFlags(pattern, st, flags)) return null;
  st.caseInsensitive = flags.i;
  st.dotAll = flags.s;
  const r = translateSeq(pattern, st, 0);
  if (!r.ok || st.i !== pattern.length || st.repeating > 1) return null;
  try {
    return { re: new RegExp(st.out, "u" + (flags.i ? "i" : "") + (flags.s ? "s" : "")), repeats: st.repeating > 0 };
  } catch {
    return null;
  }
}
