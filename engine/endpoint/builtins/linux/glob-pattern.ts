// Glob patterns as Velociraptor's glob() reads them: `{a,b}` alternatives, then per path
// component `*`, `?`, `[...]`, and `**` for any number of directories. Pure.

/** Expands `{a,b}` alternatives (nested too) into plain patterns. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf("{");
  if (open < 0) return [pattern];
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === "{") depth++;
    else if (pattern[i] === "}" && --depth === 0) {
      const inner = pattern.slice(open + 1, i);
      const parts: string[] = [];
      let d = 0;
      let start = 0;
      for (let j = 0; j < inner.length; j++) {
        if (inner[j] === "{") d++;
        else if (inner[j] === "}") d--;
        else if (inner[j] === "," && d === 0) {
          parts.push(inner.slice(start, j));
          start = j + 1;
        }
      }
      parts.push(inner.slice(start));
      const rest = pattern.slice(i + 1);
      return parts.flatMap((p) => expandBraces(pattern.slice(0, open) + p + rest));
    }
  }
  return [pattern];
}

export function hasWildcard(component: string): boolean {
  return /[*?[]/.test(component);
}

/** A regex for one path component. */
export function componentRegex(component: string): RegExp {
  let re = "";
  for (let i = 0; i < component.length; i++) {
    const c = component[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = component.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        let body = component.slice(i + 1, end);
        if (body.startsWith("!") || body.startsWith("^")) body = "^" + body.slice(1);
        re += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Path components of a pattern, resolved against root when relative. */
export function patternComponents(pattern: string, root: string): string[] {
  const full = pattern.startsWith("/") ? pattern : `${root.replace(/\/+$/, "")}/${pattern}`;
  return full.split("/").filter((c) => c !== "" && c !== ".");
}
