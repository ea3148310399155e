// lint(parseResult, descriptors): warnings about names and arguments that parse fine but are
// likely wrong (VQL2xxx): AND/OR mixed without parentheses, unknown functions and plugins
// (with the nearest known name, looked for where the query runs and elsewhere), builtins that
// run only elsewhere (the agent's in a notebook), unknown and missing arguments, and unknown
// artifact names when the caller gives the list. Never evaluates anything. Free-form builtins'
// arguments are not checked.

import type { AndExpr, Arg, Diagnostic, Node, ParseResult, Span } from "../ast/types";
import { walk } from "../ast/walk";
import { makeDiagnostic } from "../diagnostics";
import { indexDescriptors, type DescriptorIndex, type DescriptorLike } from "./descriptors";
import { didYouMean } from "./suggest";

export interface LintOptions {
  /** Extra names known to exist at run time (artifact parameters, env variables). */
  knownNames?: readonly string[];
  /**
   * Builtins that exist only where this query does not run: the agent's for a server query
   * (`where: "endpoints"`), the server's for a CLIENT artifact (`where: "server"`). Calling one
   * is a warning saying where it runs; their names count for "did you mean".
   */
  elsewhere?: { where: "endpoints" | "server"; descriptors: readonly DescriptorLike[] };
  /** Artifact names, to check `source(artifact=)`, `collect_client(artifacts=)` and `Artifact.X()` (omitted: not checked). */
  artifacts?: readonly string[];
}

export function lint(result: Pick<ParseResult, "statements">, descriptors: readonly DescriptorLike[], options: LintOptions = {}): Diagnostic[] {
  const index = indexDescriptors(descriptors);
  const other = options.elsewhere ? { where: options.elsewhere.where, index: indexDescriptors(options.elsewhere.descriptors) } : undefined;
  const artifacts = options.artifacts ? new Set(options.artifacts) : undefined;
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
          if (node.name.length === 1) checkCall({ kind: "function", name: node.path, nameSpan: node.name[0]!.span, callSpan: node.span, args: node.args }, index, other, lets, out);
          if (artifacts && node.name.length === 1) checkArtifactArgs(node.path, node.args, artifacts, out);
          break;
        case "plugin":
          if (node.called && node.name.length === 1) checkCall({ kind: "plugin", name: node.path, nameSpan: node.name[0]!.span, callSpan: node.span, args: node.args }, index, other, lets, out);
          if (artifacts && node.name.length === 1) checkArtifactArgs(node.path, node.args, artifacts, out);
          if (artifacts && node.called && node.name.length > 1 && node.name[0]!.name === "Artifact" && !lets.has("Artifact")) checkArtifactCall(node.name, artifacts, out);
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

interface CallSite {
  kind: "function" | "plugin";
  name: string;
  nameSpan: Span;
  callSpan: Span;
  args: readonly Arg[];
}

type Elsewhere = { where: "endpoints" | "server"; index: DescriptorIndex } | undefined;

function checkCall(call: CallSite, index: DescriptorIndex, other: Elsewhere, lets: Set<string>, out: Diagnostic[]): void {
  const { kind, name, nameSpan } = call;
  const own = kind === "function" ? index.functions : index.plugins;
  const sibling = kind === "function" ? index.plugins : index.functions;
  const d = own.get(name);
  if (d) return checkArgs(d, name, call.callSpan, call.args, out);
  if (lets.has(name)) return;
  const there = other && (kind === "function" ? other.index.functions : other.index.plugins).get(name);
  if (there) {
    out.push(makeDiagnostic(other.where === "endpoints" ? "VQL2008" : "VQL2009", nameSpan, [name]));
    return checkArgs(there, name, call.callSpan, call.args, out);
  }
  if (sibling.has(name)) {
    if (kind === "plugin") out.push(makeDiagnostic("VQL2006", nameSpan, [name, didYouMean(name, own.keys())]));
    else out.push(makeDiagnostic("VQL2007", nameSpan, [name]));
    return;
  }
  const code = kind === "function" ? "VQL2001" : "VQL2002";
  const otherNames = other ? (kind === "function" ? other.index.functions : other.index.plugins).keys() : [];
  out.push(makeDiagnostic(code, nameSpan, [name, didYouMean(name, [...own.keys(), ...otherNames, ...lets])]));
}

/** Builtins whose argument names artifacts (`source(artifact=)`, `collect_client(artifacts=)`, `hunt(artifacts=)`...). */
const ARTIFACT_ARGS: Record<string, string> = {
  source: "artifact",
  collect_client: "artifacts",
  hunt: "artifacts",
  artifact_definitions: "names",
  watch_monitoring: "artifact",
  monitoring: "artifact",
  hunt_results: "artifact",
};

/** String literals (alone or in a list) given to a builtin's artifact argument. */
function checkArtifactArgs(builtin: string, args: readonly Arg[], artifacts: Set<string>, out: Diagnostic[]): void {
  const argName = ARTIFACT_ARGS[builtin];
  const a = argName ? args.find((x) => x.name.name === argName) : undefined;
  if (!a) return;
  const values = a.value.kind === "array" ? a.value.elements : [a.value];
  for (const v of values) {
    if (v.kind !== "string" || v.value === "") continue;
    const name = v.value.split("/")[0]!;
    if (!artifacts.has(name)) out.push(makeDiagnostic("VQL2010", v.span, [name, didYouMean(name, artifacts)]));
  }
}

/** `Artifact.A.B()` or `Artifact.A.B.Source()`. */
function checkArtifactCall(parts: readonly { name: string; span: Span }[], artifacts: Set<string>, out: Diagnostic[]): void {
  const names = parts.slice(1).map((p) => p.name);
  const full = names.join(".");
  if (artifacts.has(full) || (names.length > 1 && artifacts.has(names.slice(0, -1).join(".")))) return;
  out.push(makeDiagnostic("VQL2010", { start: parts[0]!.span.start, end: parts.at(-1)!.span.end }, [full, didYouMean(full, artifacts)]));
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
