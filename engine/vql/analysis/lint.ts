// lint(parseResult, descriptors): warnings about names and arguments that parse fine but are
// likely wrong (VQL2xxx): AND/OR mixed without parentheses, unknown functions and plugins
// (with the nearest known name), unknown and missing arguments. Never evaluates anything.
// Dotted names (Artifact.*) and free-form builtins are not checked here.

import type { AndExpr, Arg, Diagnostic, Node, ParseResult, Span } from "../ast/types";
import { walk } from "../ast/walk";
import { makeDiagnostic } from "../diagnostics";
import { indexDescriptors, type DescriptorIndex, type DescriptorLike } from "./descriptors";
import { didYouMean } from "./suggest";

export interface LintOptions {
  /** Extra names known to exist at run time (artifact parameters, env variables). */
  knownNames?: readonly string[];
}

export function lint(result: Pick<ParseResult, "statements">, descriptors: readonly DescriptorLike[], options: LintOptions = {}): Diagnostic[] {
  const index = indexDescriptors(descriptors);
  const lets = new Set<string>(options.knownNames ?? []);
  for (const s of result.statements) if (s.kind === "let") lets.add(s.name.name);
  const out: Diagnostic[] = [];
  walk(result.statements, {
    enter: (node) => {
      switch (node.kind) {
        case "and":
          checkMixing(node, out);
          break;
        case "call":
          if (node.name.length === 1) checkCall("function", node.path, node.name[0]!.span, node.span, node.args, index, lets, out);
          break;
        case "plugin":
          if (node.called && node.name.length === 1) checkCall("plugin", node.path, node.name[0]!.span, node.span, node.args, index, lets, out);
          break;
      }
    },
  });
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** `a AND b OR c` reads like SQL's `(a AND b) OR c` but VQL groups it as `a AND (b OR c)`. */
function checkMixing(node: AndExpr, out: Diagnostic[]): void {
  for (const side of [node.left, node.right] as Node[]) {
    if (side.kind === "or") out.push(makeDiagnostic("VQL2005", side.span, [side.operator, node.operator]));
  }
}

function checkCall(
  kind: "function" | "plugin",
  name: string,
  nameSpan: Span,
  callSpan: Span,
  args: readonly Arg[],
  index: DescriptorIndex,
  lets: Set<string>,
  out: Diagnostic[],
): void {
  const own = kind === "function" ? index.functions : index.plugins;
  const other = kind === "function" ? index.plugins : index.functions;
  const d = own.get(name);
  if (!d) {
    if (lets.has(name)) return;
    if (other.has(name)) {
      if (kind === "plugin") out.push(makeDiagnostic("VQL2006", nameSpan, [name, didYouMean(name, own.keys())]));
      else out.push(makeDiagnostic("VQL2007", nameSpan, [name]));
      return;
    }
    const code = kind === "function" ? "VQL2001" : "VQL2002";
    out.push(makeDiagnostic(code, nameSpan, [name, didYouMean(name, [...own.keys(), ...lets])]));
    return;
  }
  checkArgs(d, name, callSpan, args, out);
}

function checkArgs(d: DescriptorLike, name: string, callSpan: Span, args: readonly Arg[], out: Diagnostic[]): void {
  if (args.some((a) => a.unpack)) return;
  const declared = new Set(d.args.map((a) => a.name));
  if (!d.freeArgs) {
    for (const a of args) {
      if (!declared.has(a.name.name)) out.push(makeDiagnostic("VQL2003", a.name.span, [a.name.name, name, didYouMean(a.name.name, declared)]));
    }
  }
  const given = new Set(args.map((a) => a.name.name));
  for (const a of d.args) {
    if (a.required && !given.has(a.name)) out.push(makeDiagnostic("VQL2004", callSpan, [name, a.name]));
  }
}
