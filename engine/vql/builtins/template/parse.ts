/**
 * A parser for the Go text/template language as template() uses it: text, `{{ pipeline }}`
 * actions with `{{-`/`-}}` trimming and comments, if/else if/else, range (with `$i, $v :=`),
 * with, and `$x := pipeline` variables. Pipelines are commands joined by `|`; a command is a
 * function call or an operand (field `.a.b`, `$`/`$x.a`, string, raw string, number, bool, nil,
 * or a parenthesised pipeline). Written for Talon from Go's text/template documentation.
 */

export type Operand =
  | { kind: "field"; root: "dot" | string; path: string[] }
  | { kind: "literal"; value: unknown }
  | { kind: "ident"; name: string }
  | { kind: "pipe"; pipe: Pipeline };

export interface Pipeline {
  decl: string[];
  commands: Operand[][];
}

export type TNode =
  | { kind: "text"; text: string }
  | { kind: "action"; pipe: Pipeline }
  | { kind: "if" | "with"; pipe: Pipeline; body: TNode[]; alt: TNode[] }
  | { kind: "range"; pipe: Pipeline; body: TNode[]; alt: TNode[] };

export class TemplateError extends Error {}

function tokenize(src: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      if (j >= src.length) throw new TemplateError("unterminated quoted string");
      out.push(src.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (c === "`") {
      const j = src.indexOf("`", i + 1);
      if (j < 0) throw new TemplateError("unterminated raw quoted string");
      out.push(src.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (src.startsWith(":=", i)) {
      out.push(":=");
      i += 2;
      continue;
    }
    if ("|(),=".includes(c)) {
      out.push(c);
      i++;
      continue;
    }
    const m = /^[^\s|(),="`]+/.exec(src.slice(i))!;
    out.push(m[0]);
    i += m[0].length;
  }
  return out;
}

function operand(tok: string): Operand {
  if (tok.startsWith('"')) return { kind: "literal", value: JSON.parse(tok.replace(/\\x([0-9a-fA-F]{2})/g, "\\u00$1")) };
  if (tok.startsWith("`")) return { kind: "literal", value: tok.slice(1, -1) };
  if (tok === "true" || tok === "false") return { kind: "literal", value: tok === "true" };
  if (tok === "nil") return { kind: "literal", value: null };
  if (/^[+-]?(\d|\.\d)/.test(tok)) {
    const n = Number(tok);
    if (Number.isNaN(n)) throw new TemplateError(`bad number syntax: ${JSON.stringify(tok)}`);
    return { kind: "literal", value: n };
  }
  if (tok.startsWith(".")) return { kind: "field", root: "dot", path: tok === "." ? [] : tok.slice(1).split(".") };
  if (tok.startsWith("$")) {
    const [root, ...path] = tok.split(".");
    return { kind: "field", root: root!, path };
  }
  if (/^[A-Za-z_]\w*$/.test(tok)) return { kind: "ident", name: tok };
  throw new TemplateError(`unexpected ${JSON.stringify(tok)} in command`);
}

function parsePipeline(tokens: string[]): Pipeline {
  let i = 0;
  const decl: string[] = [];
  const declEnd = tokens.indexOf(":=");
  if (declEnd > 0 && tokens.slice(0, declEnd).every((t) => t === "," || t.startsWith("$"))) {
    for (const t of tokens.slice(0, declEnd)) if (t !== ",") decl.push(t);
    i = declEnd + 1;
  }
  const parse = (stopAt: string | null): Operand[][] => {
    const commands: Operand[][] = [[]];
    while (i < tokens.length) {
      const t = tokens[i++]!;
      if (t === stopAt) return commands;
      if (t === "|") {
        if (commands.at(-1)!.length === 0) throw new TemplateError("missing command before `|`");
        commands.push([]);
      } else if (t === "(") {
        commands.at(-1)!.push({ kind: "pipe", pipe: { decl: [], commands: parse(")") } });
      } else if (t === ")") throw new TemplateError("unexpected right paren");
      else commands.at(-1)!.push(operand(t));
    }
    if (stopAt) throw new TemplateError("unclosed left paren");
    return commands;
  };
  const commands = parse(null);
  if (commands.at(-1)!.length === 0) throw new TemplateError("missing value for command");
  return { decl, commands };
}

/** The template as a tree; throws TemplateError with Go's wording where it has one. */
export function parseTemplate(src: string): TNode[] {
  const root: TNode[] = [];
  const stack: { node: TNode & { body: TNode[]; alt: TNode[] }; inAlt: boolean }[] = [];
  const target = () => {
    const top = stack.at(-1);
    return top ? (top.inAlt ? top.node.alt : top.node.body) : root;
  };
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf("{{", i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, "");
    trimNext = false;
    if (open < 0) {
      if (text) target().push({ kind: "text", text });
      break;
    }
    let start = open + 2;
    if (src.startsWith("- ", start) || src.startsWith("-\t", start) || src.startsWith("-\n", start)) {
      text = text.replace(/\s+$/, "");
      start++;
    }
    if (text) target().push({ kind: "text", text });
    const close = findClose(src, start);
    let end = close;
    if (src[close - 1] === "-" && /\s/.test(src[close - 2] ?? "")) {
      trimNext = true;
      end = close - 1;
    }
    const body = src.slice(start, end).trim();
    i = close + 2;
    if (body.startsWith("/*")) continue;
    const words = tokenize(body);
    const kw = words[0];
    if (kw === "if" || kw === "with" || kw === "range") {
      const node = { kind: kw, pipe: parsePipeline(words.slice(1)), body: [] as TNode[], alt: [] as TNode[] } as TNode & { body: TNode[]; alt: TNode[] };
      target().push(node);
      stack.push({ node, inAlt: false });
    } else if (kw === "else") {
      const top = stack.at(-1);
      if (!top || top.inAlt) throw new TemplateError("unexpected {{else}}");
      top.inAlt = true;
      if (words[1] === "if") {
        const node = { kind: "if" as const, pipe: parsePipeline(words.slice(2)), body: [] as TNode[], alt: [] as TNode[] };
        top.node.alt.push(node);
        // `else if` shares the enclosing `end`: mark it so `end` pops both.
        stack.push({ node: Object.assign(node, { chained: true }), inAlt: false });
      }
    } else if (kw === "end") {
      if (!stack.length) throw new TemplateError("unexpected {{end}}");
      while ((stack.pop()!.node as { chained?: boolean }).chained);
    } else if (kw === "define" || kw === "template" || kw === "block" || kw === "break" || kw === "continue") {
      throw new TemplateError(`{{${kw}}} is not supported`);
    } else {
      target().push({ kind: "action", pipe: parsePipeline(words) });
    }
  }
  if (stack.length) throw new TemplateError("unexpected EOF");
  return root;
}

/** The end of an action: the `}}` not inside a quoted string. */
function findClose(src: string, from: number): number {
  let i = from;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === "\\" ? 2 : 1;
      i++;
      continue;
    }
    if (c === "`") {
      const j = src.indexOf("`", i + 1);
      i = j < 0 ? src.length : j + 1;
      continue;
    }
    if (src.startsWith("}}", i)) return i;
    i++;
  }
  throw new TemplateError("unclosed action");
}
