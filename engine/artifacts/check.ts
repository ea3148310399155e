// Checks on a read artifact that need the whole picture: the name (present, words joined by
// dots, a required prefix, not a built-in's, path), duplicate sources, sources without queries,
// permission names, imports, and whether parameter defaults convert to their types.
import { coerceParameter } from "./parameters";
import type { ReadArtifact } from "./read-artifact";
import type { Span } from "./types";
import { spanOf, type Reader } from "./yaml-doc";

/**
 * One or more words of letters, digits and `_`, joined by dots: `AutomateServerLabels` is a name,
 * as in Velociraptor, whose GUI and artifact_set() require no prefix.
 */
export const ARTIFACT_NAME = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

export interface CheckOptions {
  /** The name must start with this prefix (pack imports and `artifact_set(prefix=...)`); none by default. */
  requirePrefix?: string;
  /**
   * Saving a custom artifact: names a built-in holds are refused, and the diagnostic offers
   * `overridePrefix` + name, the custom copy that replaces the built-in where it is collected.
   */
  isBuiltinName?: (name: string) => boolean;
  /** The override prefix offered for a built-in's name (default `Custom.`). */
  overridePrefix?: string;
  /** Built-ins: the name implied by the file's path. */
  expectedName?: string;
  /** Permission names `required_permissions` may use; omitted = not checked. */
  knownPermissions?: readonly string[];
  /** Whether an artifact exists (for `imports` and `Artifact.X()` calls); omitted = not checked. */
  isKnownArtifact?: (name: string) => boolean;
}

export function checkArtifact(r: Reader, read: ReadArtifact, opts: CheckOptions): void {
  const a = read.artifact;
  const firstLine = { start: 0, end: Math.max(1, lineEnd(r.text, 0)) };
  const nameAt: Span = read.nameNode ? spanOf(read.nameNode, r.text) : firstLine;
  if (!a.name) r.report("ART1005", nameAt);
  else if (!ARTIFACT_NAME.test(a.name)) r.report("ART1006", nameAt, [a.name]);
  else if (opts.requirePrefix && !a.name.startsWith(opts.requirePrefix)) r.report("ART1008", nameAt, [opts.requirePrefix, a.name]);
  else if (opts.isBuiltinName?.(a.name)) {
    const override = (opts.overridePrefix ?? "Custom.") + a.name;
    r.report("ART2005", nameAt, [a.name, override], `rename it to \`${override}\`: collections of \`${a.name}\` then run your version`);
  }
  else if (opts.expectedName && opts.expectedName !== a.name) r.report("ART2004", nameAt, [a.name, opts.expectedName]);

  const seen = new Set<string>();
  for (const s of a.sources) {
    const at = s.span ?? nameAt;
    if (s.name && seen.has(s.name)) r.report("ART1009", at, [s.name]);
    if (s.name) seen.add(s.name);
    if (!s.query && !(a.type === "NOTEBOOK" || s.notebook.length > 0)) r.report("ART1010", at);
  }

  const perms = opts.knownPermissions;
  for (const perm of perms ? read.permissionItems : []) {
    if (!perms!.includes(perm.text)) r.report("ART2001", perm.span, [perm.text]);
  }
  if (opts.isKnownArtifact) {
    for (const imp of read.importItems) {
      if (!opts.isKnownArtifact(imp.text)) r.report("ART2002", imp.span, [imp.text]);
    }
  }
  for (const p of a.parameters) {
    const at = p.nameSpan ?? nameAt;
    if (p.hasDefault) {
      const c = coerceParameter(p, p.default);
      if (!c.ok) r.report("ART3001", at, [p.name, p.type, c.reason]);
      else if (c.warning) r.report("ART3001", at, [p.name, p.type, c.warning]);
    }
    if (p.type === "choices" && p.choices?.length && p.default !== "" && !p.choices.includes(p.default)) r.report("ART3002", at, [p.name]);
  }
}

function lineEnd(text: string, from: number): number {
  const i = text.indexOf("\n", from);
  return i < 0 ? text.length : i;
}
