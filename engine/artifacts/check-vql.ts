// The VQL inside an artifact: every query, precondition and export is parsed (and linted when a
// checker is given), and each diagnostic is moved from the query's own offsets to the file's,
// so it is reported at the YAML's line:col. `Artifact.X()` calls are checked against the
// repository when it is known.
import { lint, type DescriptorLike } from "../vql/analysis";
import { collect } from "../vql/ast/walk";
import { parse } from "../vql/parser";
import { artifactDiagnostic } from "./diagnostics";
import { mapSpan } from "./source-map";
import type { Artifact, ArtifactType, Diagnostic, VqlBlock } from "./types";

export interface VqlCheckContext {
  /** Names a query may use besides builtins and its own LETs: parameters and exported LETs. */
  scope: readonly string[];
  /** The artifact's type: client artifacts run the agent's builtins. */
  type: ArtifactType;
}

/** Diagnostics for one VQL text, at offsets into that text. */
export type VqlChecker = (text: string, ctx: VqlCheckContext) => Diagnostic[];

/** The default checker: syntax only. */
export const parseOnly: VqlChecker = (text) => parse(text).diagnostics;

export interface LintCheckerOptions {
  /**
   * Whether `descriptors` include the agent's builtins. When not, unknown plugin and function
   * warnings are dropped for CLIENT and CLIENT_EVENT artifacts (their builtins live on the agent).
   */
  includesClientBuiltins?: boolean;
  /**
   * The builtins CLIENT and CLIENT_EVENT artifacts run with (the agent's): when given, those
   * artifacts are linted against them (unknown names and arguments included), a server builtin
   * in them is a "runs on the server" warning, and an agent builtin in a server artifact a
   * "runs on endpoints" one.
   */
  clientDescriptors?: readonly DescriptorLike[];
}

/**
 * Syntax plus engine/vql's lint against the given builtins: unknown plugins, functions and
 * arguments become warnings; parameters and exported names count as known.
 */
export function lintChecker(descriptors: readonly DescriptorLike[], opts: LintCheckerOptions = {}): VqlChecker {
  const client = opts.clientDescriptors;
  const clientNames = new Set(client?.map((d) => `${d.kind}:${d.name}`));
  const serverNames = new Set(descriptors.map((d) => `${d.kind}:${d.name}`));
  const serverOnly = descriptors.filter((d) => !clientNames.has(`${d.kind}:${d.name}`));
  const clientOnly = client?.filter((d) => !serverNames.has(`${d.kind}:${d.name}`)) ?? [];
  return (text, ctx) => {
    const result = parse(text);
    const onClient = ctx.type === "CLIENT" || ctx.type === "CLIENT_EVENT";
    if (client) {
      const elsewhere = onClient ? { where: "server" as const, descriptors: serverOnly } : { where: "endpoints" as const, descriptors: clientOnly };
      return [...result.diagnostics, ...lint(result, onClient ? client : descriptors, { knownNames: ctx.scope, elsewhere })];
    }
    let warnings = lint(result, descriptors, { knownNames: ctx.scope });
    if (!opts.includesClientBuiltins && (ctx.type === "CLIENT" || ctx.type === "CLIENT_EVENT")) {
      warnings = warnings.filter((d) => d.code !== "VQL2001" && d.code !== "VQL2002");
    }
    return [...result.diagnostics, ...warnings];
  };
}

export interface VqlCheckOptions {
  checkVql?: VqlChecker;
  isKnownArtifact?: (name: string) => boolean;
  /** The `export` text of an imported artifact (to learn the names it defines). */
  exportOf?: (name: string) => string | undefined;
}

/** Every VQL block of an artifact, in file order. */
export function vqlBlocks(a: Artifact): VqlBlock[] {
  const blocks: VqlBlock[] = [];
  if (a.precondition) blocks.push(a.precondition);
  if (a.export) blocks.push(a.export);
  for (const s of a.sources) {
    if (s.precondition) blocks.push(s.precondition);
    if (s.queries?.length) blocks.push(...s.queries);
    else if (s.query) blocks.push(s.query);
  }
  return blocks.sort((x, y) => x.span.start - y.span.start);
}

export function checkArtifactVql(a: Artifact, opts: VqlCheckOptions): Diagnostic[] {
  const check = opts.checkVql ?? parseOnly;
  const scope = scopeOf(a, opts.exportOf);
  const out: Diagnostic[] = [];
  for (const block of vqlBlocks(a)) {
    // "found end of text" points just after the query's last character, not at the line
    // after the block (block scalars end with a line break).
    const last = block.text.trimEnd().length;
    for (const d of check(block.text, { scope, type: a.type })) {
      if (isArtifactPluginWarning(d, block.text)) continue;
      const span = d.span.start >= last ? { start: last, end: Math.max(last, Math.min(d.span.end, last)) } : d.span;
      out.push({ ...d, span: mapSpan(block.map, span) });
    }
    if (opts.isKnownArtifact) out.push(...checkArtifactCalls(block, opts.isKnownArtifact));
  }
  return out;
}

/** Parameters, and the names defined by the artifact's export and its imports' exports. */
export function scopeOf(a: Artifact, exportOf?: (name: string) => string | undefined): string[] {
  const names = a.parameters.map((p) => p.name);
  const exports = [a.export?.text, ...a.imports.map((i) => exportOf?.(i))];
  for (const text of exports) {
    if (!text) continue;
    for (const s of parse(text).statements) if (s.kind === "let") names.push(s.name.name);
  }
  return names;
}

/** Lint's "unknown plugin `Artifact.X`" is replaced by the repository check below. */
function isArtifactPluginWarning(d: Diagnostic, text: string): boolean {
  return d.code === "VQL2002" && /^Artifact\./.test(text.slice(d.span.start, d.span.end));
}

function checkArtifactCalls(block: VqlBlock, isKnown: (name: string) => boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { statements } = parse(block.text);
  for (const call of collect(statements, "plugin")) {
    const parts = call.name.map((n) => n.name);
    if (parts[0] !== "Artifact" || parts.length < 2) continue;
    const full = parts.slice(1).join(".");
    const withoutSource = parts.slice(1, -1).join(".");
    if (isKnown(full) || (parts.length > 2 && isKnown(withoutSource))) continue;
    const span = { start: call.name[0]!.span.start, end: call.name.at(-1)!.span.end };
    out.push(artifactDiagnostic("ART2003", mapSpan(block.map, span), [full]));
  }
  return out;
}
