// Sigma detection conditions: `selection and not filter`, `1 of selection_*`, `all of them`,
// parentheses, and/or/not (case-insensitive keywords), parsed once per rule into a tree that
// evaluates over the searches' results. Patterns in `of` use `*` as Go's path.Match does.
import { SigmaRuleError } from "./matchers";

export type Condition =
  | { kind: "search"; name: string }
  | { kind: "and" | "or"; items: Condition[] }
  | { kind: "not"; item: Condition }
  | { kind: "oneOf" | "allOf"; pattern: string | null };

function tokens(text: string): string[] {
  const out: string[] = [];
  const re = /\s*(\(|\)|[^\s()]+)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text))) {
    out.push(m[1]!);
    end = re.lastIndex;
  }
  if (text.slice(end).trim()) throw new SigmaRuleError(`cannot read condition ${JSON.stringify(text)}`);
  return out;
}

/** Parses one condition string. */
export function parseCondition(text: string): Condition {
  const t = tokens(text);
  let i = 0;
  const peek = () => t[i]?.toLowerCase();
  const fail = (what: string): never => {
    throw new SigmaRuleError(`condition ${JSON.stringify(text)}: ${what}`);
  };
  const or = (): Condition => {
    const items = [and()];
    while (peek() === "or") {
      i++;
      items.push(and());
    }
    return items.length === 1 ? items[0]! : { kind: "or", items };
  };
  const and = (): Condition => {
    const items = [not()];
    while (peek() === "and") {
      i++;
      items.push(not());
    }
    return items.length === 1 ? items[0]! : { kind: "and", items };
  };
  const not = (): Condition => {
    if (peek() === "not") {
      i++;
      return { kind: "not", item: not() };
    }
    return primary();
  };
  const primary = (): Condition => {
    const tok = t[i];
    if (tok === undefined) return fail("ends too early");
    if (tok === "(") {
      i++;
      const inner = or();
      if (t[i] !== ")") fail("a ( is not closed");
      i++;
      return inner;
    }
    if (tok === ")" || ["and", "or"].includes(tok.toLowerCase())) fail(`unexpected ${tok}`);
    if (tok === "|") fail("aggregations (`| count() ...`) are not supported; use a correlation rule");
    const quant = tok.toLowerCase();
    if ((quant === "1" || quant === "any" || quant === "all") && t[i + 1]?.toLowerCase() === "of") {
      const target = t[i + 2];
      if (target === undefined || target === "(" || target === ")") fail(`${tok} of needs a name pattern or them`);
      i += 3;
      const pattern = target!.toLowerCase() === "them" ? null : target!;
      return { kind: quant === "all" ? "allOf" : "oneOf", pattern };
    }
    i++;
    return { kind: "search", name: tok };
  };
  const c = or();
  if (i < t.length) fail(`unexpected ${t[i]}`);
  return c;
}

/** Go's path.Match for the patterns Sigma uses (`*`, `?`, no separators in search names). */
export function matchesPattern(pattern: string, name: string): boolean {
  const re = new RegExp("^" + pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
  return re.test(name);
}

/** The searches a condition names (for the check that each exists). */
export function namedSearches(c: Condition): string[] {
  switch (c.kind) {
    case "search":
      return [c.name];
    case "and":
    case "or":
      return c.items.flatMap(namedSearches);
    case "not":
      return namedSearches(c.item);
    default:
      return [];
  }
}

export function evaluateCondition(c: Condition, results: Map<string, boolean>): boolean {
  switch (c.kind) {
    case "search":
      return results.get(c.name) ?? false;
    case "and":
      return c.items.every((x) => evaluateCondition(x, results));
    case "or":
      return c.items.some((x) => evaluateCondition(x, results));
    case "not":
      return !evaluateCondition(c.item, results);
    case "oneOf":
    case "allOf": {
      const names = [...results.keys()].filter((n) => c.pattern === null || matchesPattern(c.pattern, n));
      return c.kind === "oneOf" ? names.some((n) => results.get(n)) : names.every((n) => results.get(n));
    }
  }
}
