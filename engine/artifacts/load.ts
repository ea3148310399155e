// loadArtifact(text): YAML text to an Artifact plus every diagnostic (YAML errors, shape,
// names, parameters, VQL), all positioned in the text. Pure: no I/O; the server, the CLI and
// the browser's editor call it alike. Never throws on user input.
import { checkArtifact, type CheckOptions } from "./check";
import { checkArtifactVql, type VqlCheckOptions } from "./check-vql";
import { readArtifact } from "./read-artifact";
import type { Diagnostic, LoadResult } from "./types";
import { parseYaml, Reader } from "./yaml-doc";

export interface LoadOptions extends CheckOptions, VqlCheckOptions {
  /** Skip VQL checks (listing many files quickly); default false. */
  skipVql?: boolean;
}

export function loadArtifact(text: string, opts: LoadOptions = {}): LoadResult {
  const { doc, diagnostics: yamlDiagnostics } = parseYaml(text);
  const r = new Reader(text);
  r.diagnostics.push(...yamlDiagnostics);
  if (yamlDiagnostics.some((d) => d.severity === "error")) return { diagnostics: sorted(r.diagnostics) };
  const read = readArtifact(r, doc.contents);
  if (!read) return { diagnostics: sorted(r.diagnostics) };
  checkArtifact(r, read, opts);
  if (!opts.skipVql) r.diagnostics.push(...checkArtifactVql(read.artifact, opts));
  return { artifact: read.artifact, diagnostics: sorted(r.diagnostics) };
}

/** True when a load result has an error (the artifact must not be saved or run). */
export function hasArtifactErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

function sorted(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}
