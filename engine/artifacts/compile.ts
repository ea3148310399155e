// What a collection runs: an artifact turned into self-contained VQL per source (imports'
// exports and the artifact's own export in front, the artifact-level precondition applied to
// every source that has none), and parameter values turned into typed scope variables.
// Flows, hunts and the Artifact.X() plugin share these, so a collection and a VQL call agree.
import { artifactMessage } from "./diagnostics";
import { coerceParameter } from "./parameters";
import type { Artifact, ArtifactType } from "./types";

export interface CompiledSource {
  /** "" for an unnamed source. */
  name: string;
  /** Results are stored under this name: `Artifact` or `Artifact/Source`. */
  resultName: string;
  /** VQL whose first row (if any) lets the source run; undefined = always runs. */
  precondition?: string;
  /** The query with the exports it needs in front. */
  query: string;
}

export interface CompiledArtifact {
  name: string;
  type: ArtifactType;
  sources: CompiledSource[];
}

/** The export texts a source needs: each import's export, then the artifact's own. */
export function preludeOf(a: Artifact, lookup: (name: string) => Artifact | undefined): string {
  return [...a.imports.map((i) => lookup(i)?.export?.text ?? ""), a.export?.text ?? ""].filter((t) => t.trim()).join("\n");
}

export function compileArtifact(a: Artifact, lookup: (name: string) => Artifact | undefined): CompiledArtifact {
  const prelude = preludeOf(a, lookup);
  const withPrelude = (text: string) => (prelude ? `${prelude}\n${text}` : text);
  const sources: CompiledSource[] = [];
  for (const s of a.sources) {
    if (!s.query) continue;
    const pre = s.precondition?.text ?? a.precondition?.text;
    const c: CompiledSource = { name: s.name, resultName: s.name ? `${a.name}/${s.name}` : a.name, query: withPrelude(s.query.text) };
    if (pre) c.precondition = withPrelude(pre);
    sources.push(c);
  }
  return { name: a.name, type: a.type, sources };
}

export type ResolvedParameters = { ok: true; env: Record<string, unknown> } | { ok: false; error: string };

/**
 * Scope variables for a run: each declared parameter from `given` (string forms or typed
 * values) or its default, converted to its type. Undeclared names are refused.
 */
export function resolveParameters(a: Artifact, given: Record<string, unknown> = {}): ResolvedParameters {
  const declared = new Set(a.parameters.map((p) => p.name));
  for (const k of Object.keys(given)) {
    if (!declared.has(k)) return { ok: false, error: artifactMessage("ART3003", [k, a.name, ""]) };
  }
  const env: Record<string, unknown> = {};
  for (const p of a.parameters) {
    const raw = given[p.name] !== undefined ? given[p.name] : p.default;
    const c = coerceParameter(p, raw);
    if (!c.ok) return { ok: false, error: artifactMessage("ART3004", [p.name, a.name, c.expected, c.reason]) };
    env[p.name] = c.value;
  }
  return { ok: true, env };
}
